//! The GPU engine against the CPU engine and the closed-form law. Natively this needs a
//! Vulkan/Metal/DX12 adapter (Mesa's lavapipe in CI); in the browser, WebGPU. A missing adapter fails
//! the test: it is never skipped.
#![cfg(feature = "images")]

use ldm_explorer::images::gpu::GpuSampler;
use ldm_explorer::images::latent::{LatentPlan, LatentScore};
use ldm_explorer::images::set::{ImagePca, ImageSet};

mod common;
use common::{assert_moments, assert_one_point_law, digits, request};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[cfg(not(target_arch = "wasm32"))]
macro_rules! gpu_test {
    ($name:ident, $body:expr) => {
        #[test]
        fn $name() {
            pollster::block_on($body)
        }
    };
}
#[cfg(target_arch = "wasm32")]
macro_rules! gpu_test {
    ($name:ident, $body:expr) => {
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn $name() {
            $body.await
        }
    };
}

async fn device() -> GpuSampler {
    GpuSampler::new()
        .await
        .expect("a GPU adapter (natively: install mesa-vulkan-drivers; in Chromium: --enable-unsafe-webgpu)")
}

/// The largest `|gpu − cpu|` over all recorded values, in units of the coordinate's law scale.
fn largest_gap(gpu: &[f32], cpu: &[f32]) -> f32 {
    assert_eq!(gpu.len(), cpu.len());
    gpu.iter().zip(cpu).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max)
}

async fn gaussian_gpu_follows_the_cpu_and_the_law() {
    let gpu = device().await;
    assert!(!gpu.adapter_description().is_empty());
    let pca = ImagePca::fit(&digits());
    let (d, n) = (18, 2048);
    let plan = LatentPlan::new(&pca.variances, &[], request(d, LatentScore::Gaussian, 60, n)).unwrap();
    let on_gpu = gpu.run(&plan, |_, _| {}).await.unwrap();
    let on_cpu = plan.run_cpu(0..n);
    // Same Philox words; the normals differ only by the device's log/cos/sin (≈1e-3 on SwiftShader).
    let gap = largest_gap(&on_gpu, &on_cpu);
    assert!(gap < 0.02, "largest GPU−CPU gap {gap}");
    let law = plan.sampler.law_variances();
    for (f, &step) in plan.frames.iter().enumerate() {
        for k in [0, 7, 17] {
            let column: Vec<f64> = (0..n).map(|s| f64::from(on_gpu[(f * n + s) * d + k])).collect();
            assert_moments(&column, 0.0, law[step * d + k], &format!("GPU frame {f}, k {k}"));
        }
    }
}
gpu_test!(gaussian_score_on_the_gpu, gaussian_gpu_follows_the_cpu_and_the_law());

async fn empirical_gpu_of_one_point_follows_its_law() {
    let gpu = device().await;
    let variances = [0.8, 0.3, 0.05, 0.01, 0.0];
    let point = [0.5, -1.0, 0.2, 0.1, 0.0];
    let (d, n) = (5, 1024);
    let plan = LatentPlan::new(&variances, &point, request(d, LatentScore::Empirical, 40, n)).unwrap();
    let run = gpu.run(&plan, |_, _| {}).await.unwrap();
    assert_one_point_law(&plan, &point, &run, n);
}
gpu_test!(empirical_score_of_one_point_on_the_gpu, empirical_gpu_of_one_point_follows_its_law());

/// The empirical score's plan over the PCA of the first `images` digits.
fn empirical_plan_of_digits(images: usize, d: usize, steps: usize, samples: usize) -> LatentPlan {
    let set = digits();
    let small = ImageSet { intensities: set.intensities[..images * set.pixels()].to_vec(), labels: None, ..set };
    let pca = ImagePca::fit(&small);
    LatentPlan::new(&pca.variances, &pca.training_latents(d), request(d, LatentScore::Empirical, steps, samples))
        .unwrap()
}

async fn empirical_gpu_follows_the_cpu() {
    let gpu = device().await;
    // 150 training images: three tiles of 64, the last one partial; 98 samples: two tiles of 64
    // rows, the last one partial.
    let (d, n) = (64, 98);
    let plan = empirical_plan_of_digits(150, d, 80, n);
    let on_gpu = gpu.run(&plan, |_, _| {}).await.unwrap();
    let on_cpu = plan.run_cpu(0..n);
    // The softmax sums run in another order on the device, and late steps are sharp: a sample near
    // the border of two training points may take the other one. Most samples must agree closely.
    let frames = plan.frames.len();
    let last = |run: &[f32]| run[(frames - 1) * n * d..].to_vec();
    let (gpu_last, cpu_last) = (last(&on_gpu), last(&on_cpu));
    let close =
        gpu_last.chunks_exact(d).zip(cpu_last.chunks_exact(d)).filter(|(a, b)| largest_gap(a, b) < 0.02).count();
    assert!(close * 10 >= n * 9, "{close} of {n} samples agree");
    // The first frames (before the mixture is sharp) agree everywhere.
    let early = n * d * 2;
    assert!(largest_gap(&on_gpu[..early], &on_cpu[..early]) < 0.02);
}
gpu_test!(empirical_score_on_the_gpu_follows_the_cpu, empirical_gpu_follows_the_cpu());

async fn empirical_gpu_in_blocks_of_samples() {
    // A device whose storage bindings hold the logits of only a few samples at once steps them in
    // blocks, one after another through each step's passes: every sample's arithmetic is the same.
    let plan = empirical_plan_of_digits(100, 20, 30, 98);
    let whole = device().await.run(&plan, |_, _| {}).await.unwrap();
    let in_blocks = device().await.with_block_rows(40).run(&plan, |_, _| {}).await.unwrap();
    assert!(whole.iter().all(|v| v.is_finite()));
    assert_eq!(whole, in_blocks);
}
gpu_test!(empirical_score_on_the_gpu_in_blocks_of_samples, empirical_gpu_in_blocks_of_samples());

async fn empirical_gpu_with_a_large_latent() {
    // d = 300: five tiles of 64 coordinates, the last one partial. Synthetic training latents with
    // well separated points, few steps: the softmax stays smooth and every value agrees.
    let gpu = device().await;
    let (p, n_train, d, n) = (320, 40, 300, 5);
    let variances: Vec<f64> = (0..p).map(|k| 1.0 / (1.0 + k as f64)).collect();
    let coordinates: Vec<f64> = (0..n_train * p)
        .filter(|i| i % p < d)
        .map(|i| ((i * 7919 % 1000) as f64 / 1000.0 - 0.5) * variances[i % p].sqrt())
        .collect();
    let plan = LatentPlan::new(&variances, &coordinates, request(d, LatentScore::Empirical, 12, n)).unwrap();
    let on_gpu = gpu.run(&plan, |_, _| {}).await.unwrap();
    let on_cpu = plan.run_cpu(0..n);
    let gap = largest_gap(&on_gpu, &on_cpu);
    assert!(gap < 0.02, "largest GPU−CPU gap {gap}");
}
gpu_test!(empirical_score_on_the_gpu_with_a_large_latent, empirical_gpu_with_a_large_latent());

async fn decoding_on_the_gpu() {
    let gpu = device().await;
    let pca = ImagePca::fit(&digits());
    let d = 12;
    let latents = pca.training_latents(d);
    let rows = &latents[..5 * d];
    let decoded = gpu.decode(&pca, &rows.iter().map(|&v| v as f32).collect::<Vec<_>>(), d).await.unwrap();
    let exact = pca.decode(rows, d);
    assert!(largest_gap(&decoded, &exact) < 1e-4);
}
gpu_test!(decoding_on_the_gpu_equals_the_cpu, decoding_on_the_gpu());
