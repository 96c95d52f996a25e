//! `cargo bench --features images --bench gpu [-- --full]`: coordinate updates per second of the image
//! latent sampler on the GPU engine (whatever adapter wgpu picks) against the CPU engine, for the
//! Gaussian and the empirical score on the digits (d = 64); for the empirical score also the
//! floating-point rate of its two matrix products (4 · samples · training latents · d a step).
//! Without `--full` the sizes suit a CPU rasteriser (lavapipe); `--full` runs the real-GPU targets:
//! 65536 samples × 1000 steps (Gaussian), 4096 samples × 1000 steps (empirical), and the empirical
//! score of Fashion-MNIST at d = 784 over 5000 training images (the 4000 shipped and the first 1000
//! of them mirrored), 1024 samples × 200 steps.

use std::time::Instant;

use ldm_explorer::images::formats::read_image_set;
use ldm_explorer::images::gpu::GpuSampler;
use ldm_explorer::images::latent::{LatentPlan, LatentRequest, LatentScore};
use ldm_explorer::images::set::{ImagePca, ImageSet};
use ldm_explorer::theory::schedule::Schedule;

fn plan(pca: &ImagePca, d: usize, score: LatentScore, samples: usize, steps: usize) -> LatentPlan {
    let request = LatentRequest {
        d,
        score,
        steps,
        samples,
        seed: 1,
        frames: 2,
        schedule: Schedule::OrnsteinUhlenbeck,
        final_time: 2.0,
        unit_variance: false,
    };
    LatentPlan::new(&pca.variances, &pca.training_latents(d), request).expect("a valid plan")
}

fn report(engine: &str, plan: &LatentPlan, seconds: f64) {
    let r = &plan.request;
    let flops = match r.score {
        LatentScore::Empirical => {
            let products = 4.0 * (r.samples * r.steps * r.d * plan.training_count()) as f64;
            format!(" ({} training latents), {:.3e} FLOP/s", plan.training_count(), products / seconds)
        }
        LatentScore::Gaussian => String::new(),
    };
    println!(
        "{engine:>4} {:>9}: {} samples x {} steps x d {} in {seconds:.3} s = {:.3e} coordinate updates/s{flops}",
        r.score.name(),
        r.samples,
        r.steps,
        r.d,
        plan.updates() / seconds
    );
}

/// The shipped Fashion-MNIST images and the first 1000 of them mirrored left to right: 5000.
fn fashion_5000() -> ImageSet {
    let set = read_image_set(include_bytes!("../www/data/fashion-mnist.ldmimg.gz"), None).expect("Fashion-MNIST");
    let (width, pixels) = (set.width, set.pixels());
    let mirrored: Vec<f32> = set.intensities[..1000 * pixels]
        .chunks_exact(width)
        .flat_map(|row| row.iter().rev().copied().collect::<Vec<_>>())
        .collect();
    let mut intensities = set.intensities.clone();
    intensities.extend(mirrored);
    ImageSet { intensities, labels: None, ..set }
}

fn main() {
    let full = std::env::args().any(|a| a == "--full");
    let digits = ImagePca::fit(&ImageSet::from_ldmimg(include_bytes!("../www/data/digits.ldmimg")).expect("digits"));
    let gpu = pollster::block_on(GpuSampler::new()).expect("a GPU adapter");
    println!("adapter: {}", gpu.adapter_description());
    let mut runs = if full {
        vec![
            plan(&digits, 64, LatentScore::Gaussian, 65_536, 1000),
            plan(&digits, 64, LatentScore::Empirical, 4096, 1000),
        ]
    } else {
        vec![plan(&digits, 64, LatentScore::Gaussian, 4096, 200), plan(&digits, 64, LatentScore::Empirical, 256, 20)]
    };
    if full {
        runs.push(plan(&ImagePca::fit(&fashion_5000()), 784, LatentScore::Empirical, 1024, 200));
    }
    for plan in &runs {
        // One warm-up run compiles the pipelines' first use; the second is timed.
        pollster::block_on(gpu.run(plan, |_, _| {})).expect("GPU run");
        let clock = Instant::now();
        pollster::block_on(gpu.run(plan, |_, _| {})).expect("GPU run");
        report("gpu", plan, clock.elapsed().as_secs_f64());
    }
    // The CPU engine on one thread, at sizes that take about a second.
    for (score, samples, steps) in [(LatentScore::Gaussian, 2048, 100), (LatentScore::Empirical, 256, 50)] {
        let plan = plan(&digits, 64, score, samples, steps);
        let clock = Instant::now();
        std::hint::black_box(plan.run_cpu(0..samples));
        report("cpu", &plan, clock.elapsed().as_secs_f64());
    }
}
