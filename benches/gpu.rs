//! `cargo bench --features images --bench gpu [-- --full]`: coordinate updates per second of the image
//! latent sampler on the GPU engine (whatever adapter wgpu picks) against the CPU engine, for the
//! Gaussian and the empirical score on the digits (d = 64). Without `--full` the sizes suit a CPU
//! rasteriser (lavapipe); `--full` runs the real-GPU targets: 65536 samples × 1000 steps (Gaussian) and
//! 4096 samples × 1000 steps (empirical), for a real GPU.

use std::time::Instant;

use ldm_explorer::images::gpu::GpuSampler;
use ldm_explorer::images::latent::{LatentPlan, LatentRequest, LatentScore};
use ldm_explorer::images::set::{ImagePca, ImageSet};
use ldm_explorer::theory::schedule::Schedule;

fn plan(pca: &ImagePca, score: LatentScore, samples: usize, steps: usize) -> LatentPlan {
    let request = LatentRequest {
        d: 64,
        score,
        steps,
        samples,
        seed: 1,
        frames: 2,
        schedule: Schedule::OrnsteinUhlenbeck,
        final_time: 2.0,
        unit_variance: false,
    };
    LatentPlan::new(&pca.variances, &pca.training_latents(64), request).expect("a valid plan")
}

fn report(engine: &str, plan: &LatentPlan, seconds: f64) {
    let r = &plan.request;
    println!(
        "{engine:>4} {:>9}: {} samples x {} steps x d {} in {seconds:.3} s = {:.3e} coordinate updates/s",
        r.score.name(),
        r.samples,
        r.steps,
        r.d,
        plan.updates() / seconds
    );
}

fn main() {
    let full = std::env::args().any(|a| a == "--full");
    let set = ImageSet::from_ldmimg(include_bytes!("../www/data/digits.ldmimg")).expect("digits");
    let pca = ImagePca::fit(&set);
    let gpu = pollster::block_on(GpuSampler::new()).expect("a GPU adapter");
    println!("adapter: {}", gpu.adapter_description());
    let sizes = if full {
        [(LatentScore::Gaussian, 65_536, 1000), (LatentScore::Empirical, 4096, 1000)]
    } else {
        [(LatentScore::Gaussian, 4096, 200), (LatentScore::Empirical, 64, 20)]
    };
    for (score, samples, steps) in sizes {
        let plan = plan(&pca, score, samples, steps);
        // One warm-up run compiles the pipelines' first use; the second is timed.
        pollster::block_on(gpu.run(&plan, |_, _| {})).expect("GPU run");
        let clock = Instant::now();
        pollster::block_on(gpu.run(&plan, |_, _| {})).expect("GPU run");
        report("gpu", &plan, clock.elapsed().as_secs_f64());
    }
    // The CPU engine on one thread, at sizes that take about a second.
    for (score, samples, steps) in [(LatentScore::Gaussian, 2048, 100), (LatentScore::Empirical, 256, 50)] {
        let plan = plan(&pca, score, samples, steps);
        let clock = Instant::now();
        std::hint::black_box(plan.run_cpu(0..samples));
        report("cpu", &plan, clock.elapsed().as_secs_f64());
    }
}
