//! Image sets, their PCA and the CPU engine of the latent sampler, against closed forms
//! and independent computations.

use ldm_explorer::images::held_out::{HeldOut, split};
use ldm_explorer::images::latent::{LatentPlan, LatentRequest, LatentScore, frame_fd2};
use ldm_explorer::images::run::LatentRun;
use ldm_explorer::images::set::{ImagePca, ImageSet, fitted_size, grey_from_rgba, median, resize_area, to_signal};

use ldm_explorer::numeric::philox::{START_STEP, latent_normals};

mod common;
use common::{assert_moments, assert_one_point_law, digits, digits_8_bit, request};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn header(count: u32, width: u16, height: u16, levels: u16, labelled: u16) -> Vec<u8> {
    let mut bytes = b"LDMIMG1\0".to_vec();
    bytes.extend(count.to_le_bytes());
    for v in [width, height, levels, labelled] {
        bytes.extend(v.to_le_bytes());
    }
    bytes
}

/// The digits split at `n_train`: the PCA fitted on the training part, the held-out images, and
/// those images in the PCA's basis.
fn held_out_digits(n_train: usize) -> (ImagePca, ImageSet, HeldOut) {
    held_out_of(&digits(), n_train)
}

fn held_out_of(set: &ImageSet, n_train: usize) -> (ImagePca, ImageSet, HeldOut) {
    let (training, held) = split(set, n_train).unwrap();
    let pca = ImagePca::fit(&training);
    let held_out = HeldOut::new(&pca, &held);
    (pca, held, held_out)
}

/// A plan run to the end on the CPU.
fn finished(plan: LatentPlan) -> LatentRun {
    let samples = plan.request.samples;
    let mut run = LatentRun::new(plan);
    run.run_cpu_chunk(samples);
    run
}

#[test]
fn the_shipped_digits_are_the_uci_set() {
    let set = digits();
    assert_eq!((set.count(), set.width, set.height), (1797, 8, 8));
    let labels = set.labels.as_ref().expect("labelled");
    // The UCI test set's class counts (178, 182, 177, 183, 181, 182, 181, 179, 174, 180).
    let counts: Vec<usize> = (0..10).map(|c| labels.iter().filter(|&&l| l == c).count()).collect();
    assert_eq!(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    // The first row of the CSV: 0,0,5,13,9,1,0,0 over 16.
    assert_eq!(&set.image(0)[..8], &[0.0, 0.0, 5.0 / 16.0, 13.0 / 16.0, 9.0 / 16.0, 1.0 / 16.0, 0.0, 0.0]);
}

#[test]
fn broken_image_files_are_named_not_panicked_on() {
    let mut good = header(2, 2, 2, 16, 0);
    good.extend([0, 1, 2, 3, 4, 5, 6, 16]);
    assert!(ImageSet::from_ldmimg(&good).is_ok());
    let patched = |at: usize, value: u8| {
        let mut bytes = good.clone();
        bytes[at] = value;
        bytes
    };
    let with_body = |mut header: Vec<u8>, body: usize| {
        header.resize(header.len() + body, 0);
        header
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"PNG....".to_vec(), "header"),
        (good[..good.len() - 1].to_vec(), "truncated"),
        ([good.clone(), vec![0]].concat(), "truncated or padded"),
        (patched(27, 17), "above the largest value"),
        (with_body(header(2, 64, 2, 16, 0), 256), "each side"),
        (with_body(header(1, 2, 2, 16, 0), 4), "at least 2"),
        (with_body(header(2, 2, 2, 0, 0), 8), "largest pixel value"),
        (with_body(header(2, 2, 2, 16, 7), 8), "label flag"),
        (header(u32::MAX, 32, 32, 16, 1), "bytes"),
    ];
    for (bytes, expected) in cases {
        let error = ImageSet::from_ldmimg(&bytes).expect_err(expected);
        assert_eq!(error.field, "file");
        assert!(error.message.contains(expected), "{expected}: {}", error.message);
    }
}

#[test]
fn rgba_becomes_grey_and_resizing_keeps_the_mean() {
    let grey = grey_from_rgba("x", 2, 1, &[255, 255, 255, 255, 255, 0, 0, 128]).unwrap();
    assert!((grey[0] - 1.0).abs() < 1e-6);
    assert!((grey[1] - 0.2126 * 128.0 / 255.0).abs() < 1e-6);
    assert!(grey_from_rgba("x", 2, 2, &[0; 12]).unwrap_err().message.contains("RGBA"));
    assert!(grey_from_rgba("x", 0, 2, &[]).unwrap_err().message.contains("empty"));

    assert_eq!(fitted_size(8, 8), (8, 8));
    assert_eq!(fitted_size(64, 48), (32, 24));
    assert_eq!(fitted_size(1000, 10), (32, 1));
    // 7×5 → 3×2 by area: every output pixel is a weighted mean, the image mean is kept.
    let source: Vec<f32> = (0..35).map(|i| ((i * 37) % 11) as f32 / 10.0).collect();
    let small = resize_area(&source, 7, 5, 3, 2);
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    assert!((mean(&small) - mean(&source)).abs() < 1e-5);
    // 4×4 → 2×2 is a plain 2×2 block mean.
    let block: Vec<f32> = (0..16).map(|i| i as f32).collect();
    assert_eq!(resize_area(&block, 4, 4, 2, 2), vec![2.5, 4.5, 10.5, 12.5]);
}

#[test]
fn sprite_sheets_are_cut_and_checked() {
    // A 3×2 sheet of 2×2 tiles (6×4 pixels); the last tile is flat padding.
    let (w, h) = (6, 4);
    let mut rgba = vec![0u8; w * h * 4];
    for y in 0..h {
        for x in 0..w {
            let tile = (y / 2) * 3 + x / 2;
            let value = if tile == 5 { 0 } else { ((x % 2 + 2 * (y % 2)) * 60 + tile * 10) as u8 };
            rgba[(y * w + x) * 4..(y * w + x) * 4 + 4].copy_from_slice(&[value, value, value, 255]);
        }
    }
    let set = ImageSet::from_sprite_sheet(w, h, &rgba, 2, 2).unwrap();
    assert_eq!((set.count(), set.width, set.height), (5, 2, 2));
    assert!((set.image(1)[3] - 190.0 / 255.0).abs() < 1e-5);
    let error = ImageSet::from_sprite_sheet(w, h, &rgba, 4, 2).unwrap_err();
    assert_eq!(error.field, "tile");
    assert!(error.message.contains("do not divide"));
    assert!(ImageSet::from_sprite_sheet(w, h, &rgba, 0, 2).is_err());
    assert!(ImageSet::from_sprite_sheet(w, h, &rgba[4..], 2, 2).is_err());
    let two =
        ImageSet::from_rgba_images(&[(2, 1, &[0, 0, 0, 255, 9, 9, 9, 255][..]), (1, 1, &[255, 255, 255, 255][..])])
            .unwrap();
    assert_eq!((two.width, two.height), (2, 1));
    assert_eq!(two.image(1), &[1.0, 1.0]);
    assert_eq!(ImageSet::from_rgba_images(&[(1, 1, &[0, 0, 0, 255][..])]).unwrap_err().field, "images");
}

#[test]
fn an_8_bit_level_is_its_own_fraction_in_the_signal() {
    for k in 0..=255u8 {
        assert_eq!(to_signal(f32::from(k) / 255.0), 2.0 * f64::from(k) / 255.0 - 1.0, "k = {k}");
    }
    // Other intensities as the floats they are: the digits' sixteenths, and any other value.
    for k in 0..=16u8 {
        assert_eq!(to_signal(f32::from(k) / 16.0), f64::from(k) / 8.0 - 1.0);
    }
    assert_eq!(to_signal(0.3), 2.0 * f64::from(0.3f32) - 1.0);
}

#[test]
fn pca_is_an_orthonormal_change_of_basis() {
    // Both covariance paths: 16 levels in f64, 8-bit images exactly through their bytes.
    for set in [digits(), digits_8_bit()] {
        pca_of_set_is_an_orthonormal_change_of_basis(set);
    }
}

fn pca_of_set_is_an_orthonormal_change_of_basis(set: ImageSet) {
    let pca = ImagePca::fit(&set);
    let p = pca.pixels();
    // The coordinates are computed as asked for: none (a plan's refused d = 0 asks before it is
    // refused), the first few, then all, then the first few again.
    assert!(pca.training_latents(0).is_empty());
    let first = pca.training_latents(3);
    // Full-dimension decoding returns the images.
    let latents = pca.training_latents(p);
    let prefix: Vec<f64> = latents.chunks_exact(p).flat_map(|row| row[..3].to_vec()).collect();
    for (a, b) in first.iter().zip(&prefix).chain(pca.training_latents(3).iter().zip(&prefix)) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
    assert_eq!(first.len(), 3 * set.count());
    let decoded = pca.decode(&latents[..3 * p], p);
    for (a, b) in decoded.iter().zip(&set.intensities[..3 * p]) {
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    }
    // Coordinates have mean 0 and the eigenvalues as variances; total variance is kept.
    for k in [0, 5, 20] {
        let column: Vec<f64> = latents.chunks_exact(p).map(|r| r[k]).collect();
        let mean = column.iter().sum::<f64>() / column.len() as f64;
        let variance = column.iter().map(|v| v * v).sum::<f64>() / column.len() as f64;
        assert!(mean.abs() < 1e-9);
        assert!((variance - pca.variances[k]).abs() < 1e-9 * pca.variances[0]);
    }
    let total: f64 = (0..p)
        .map(|j| {
            let values: Vec<f64> = (0..set.count()).map(|i| to_signal(set.image(i)[j])).collect();
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64
        })
        .sum();
    assert!((pca.variances.iter().sum::<f64>() - total).abs() < 1e-9 * total);
    assert!(pca.variances.windows(2).all(|w| w[0] >= w[1]));
    // Nearest training image against brute force over decoded pixels of the reconstructions.
    let d = 10;
    let own = pca.training_latents(d);
    let query: Vec<f64> = own[7 * d..8 * d].iter().map(|v| v + 0.05).collect();
    let decoded = pca.decode(&query, d);
    let reconstructions = pca.decode(&own, d);
    let brute = reconstructions
        .chunks_exact(p)
        .map(|r| (decoded.iter().zip(r).map(|(&a, &b)| f64::from(a - b).powi(2)).sum::<f64>() / p as f64).sqrt())
        .enumerate()
        .fold((0, f64::INFINITY), |best, c| if c.1 < best.1 { c } else { best });
    let nearest = pca.nearest_training(&query, d)[0];
    assert_eq!(nearest.0, brute.0);
    assert!((nearest.1 - brute.1).abs() < 1e-6, "{nearest:?} vs {brute:?}");
    // Leave-one-out: no training image is its own nearest neighbour.
    let scale = pca.training_nearest_distances(5, d);
    assert!(scale.iter().all(|&r| r > 0.0));
}

#[test]
fn gaussian_score_samples_follow_the_exact_law() {
    let pca = ImagePca::fit(&digits());
    let (d, n) = (6, 4000);
    let plan = LatentPlan::new(&pca.variances, &[], request(d, LatentScore::Gaussian, 50, n)).unwrap();
    let run = plan.run_cpu(0..n);
    let law = plan.sampler.law_variances();
    for (f, &step) in plan.frames.iter().enumerate() {
        for k in [0, 3, 5] {
            let column: Vec<f64> = (0..n).map(|s| f64::from(run[(f * n + s) * d + k])).collect();
            assert_moments(&column, 0.0, law[step * d + k], &format!("frame {f}, k {k}"));
        }
    }
    // Chunks reproduce the full run exactly (counter-based noise).
    let part = plan.run_cpu(100..103);
    for f in 0..plan.frames.len() {
        assert_eq!(&part[f * 3 * d..(f + 1) * 3 * d], &run[(f * n + 100) * d..(f * n + 103) * d]);
    }
    // The empirical dF² of the last frame is near the law's (biased up by about d²/n).
    let fd2 = frame_fd2(&run, plan.frames.len(), d, &pca.variances);
    let exact = *plan.law_fd2().last().unwrap();
    assert!((fd2.last().unwrap() - exact).abs() < 0.05 * exact, "{fd2:?} vs {exact}");
}

#[test]
fn empirical_score_of_one_point_is_a_gaussian_pulled_to_it() {
    // One training latent z₁: the mixture is N(b z₁, a² I), ẑ = z₁ exactly, so each coordinate follows
    // m ← keep·m + pull·z₁, V ← keep²·V + noise², computed here in f64.
    let variances = [0.8, 0.3, 0.05];
    let point = [0.5, -1.0, 0.2];
    let (d, n) = (3, 4000);
    let plan = LatentPlan::new(&variances, &point, request(d, LatentScore::Empirical, 40, n)).unwrap();
    let run = plan.run_cpu(0..n);
    for (k, law) in assert_one_point_law(&plan, &point, &run, n).iter().enumerate() {
        // At t = T the samples sit on the point.
        assert!((law.last().unwrap().0 - point[k]).abs() < 0.01);
    }
}

#[test]
fn empirical_score_memorises_and_gaussian_does_not() {
    let set = digits();
    let small = ImageSet { intensities: set.intensities[..100 * 64].to_vec(), labels: None, ..set };
    let pca = ImagePca::fit(&small);
    let d = 16;
    let training_scale = median(&pca.training_nearest_distances(200, d));
    let nearest_at_end = |score| {
        let plan = LatentPlan::new(&pca.variances, &pca.training_latents(d), request(d, score, 200, 24)).unwrap();
        let run = plan.run_cpu(0..24);
        let last: Vec<f64> = run[(plan.frames.len() - 1) * 24 * d..].iter().map(|&v| f64::from(v)).collect();
        let distances: Vec<f64> = pca.nearest_training(&last, d).iter().map(|&(_, r)| r).collect();
        median(&distances)
    };
    let (empirical, gaussian) = (nearest_at_end(LatentScore::Empirical), nearest_at_end(LatentScore::Gaussian));
    // Memorised samples sit on a training image's reconstruction; Gaussian samples are new images,
    // as far from the training set as training images are from each other.
    assert!(empirical < 0.6 * training_scale, "empirical {empirical} vs training {training_scale}");
    assert!(gaussian > 0.8 * training_scale, "gaussian {gaussian} vs training {training_scale}");
}

/// The empirical score's run computed plainly: the same steps and Philox noise, the mixture's
/// weights from squared distances summed directly, all in `f64`; layout as `run_cpu`'s.
fn plain_empirical_run(plan: &LatentPlan, samples: usize) -> Vec<f64> {
    let d = plan.d();
    let seed = plan.request.seed;
    let mut out = vec![0.0; plan.frames.len() * samples * d];
    for s in 0..samples {
        let mut y: Vec<f64> = (0..d)
            .map(|k| (plan.start_sd[k] * latent_normals(seed, s as u32, START_STEP, (k / 4) as u32)[k % 4]) as f64)
            .collect();
        let mut done = 0;
        for (f, &frame) in plan.frames.iter().enumerate() {
            for n in done..frame {
                let step = plan.empirical[n];
                let (b, inverse_two_a2) = (step.b as f64, step.inverse_two_a2 as f64);
                let logits: Vec<f64> = plan
                    .training
                    .chunks_exact(d)
                    .map(|z| -y.iter().zip(z).map(|(&y, &z)| (y - b * z as f64).powi(2)).sum::<f64>() * inverse_two_a2)
                    .collect();
                let largest = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let weights: Vec<f64> = logits.iter().map(|l| (l - largest).exp()).collect();
                let total: f64 = weights.iter().sum();
                for k in 0..d {
                    let mean =
                        plan.training.chunks_exact(d).zip(&weights).map(|(z, w)| w * z[k] as f64).sum::<f64>() / total;
                    let noise = latent_normals(seed, s as u32, n as u32, (k / 4) as u32)[k % 4] as f64;
                    y[k] = step.keep as f64 * y[k] + step.pull as f64 * mean + step.noise as f64 * noise;
                }
            }
            done = frame;
            out[(f * samples + s) * d..(f * samples + s + 1) * d].copy_from_slice(&y);
        }
    }
    out
}

#[test]
fn the_empirical_engine_is_a_plain_f64_run_to_a_stated_tolerance_in_any_blocks() {
    // The engine computes the mixture's logits as dot products in f32 lanes, blocks of samples at a
    // time. Against the plain f64 run its samples stay within 1e-5 of the latents' largest value:
    // over 30 steps on all the digits, and over 1000 steps (to a² ≈ 0.004, where the logits' f32
    // error is largest) on 100 of them (measured: 6e-7 and 1.3e-6). A sample's numbers do not depend on the samples it shares a
    // block with.
    let set = digits();
    let pca = ImagePca::fit(&set);
    let few = ImageSet { intensities: set.intensities[..100 * 64].to_vec(), labels: None, ..set.clone() };
    let few_pca = ImagePca::fit(&few);
    for (pca, d, steps, samples) in [(&few_pca, 8, 1000, 4), (&pca, 64, 30, 6)] {
        let plan = LatentPlan::new(
            &pca.variances,
            &pca.training_latents(d),
            request(d, LatentScore::Empirical, steps, samples),
        )
        .unwrap();
        let engine = plan.run_cpu(0..samples);
        let plain = plain_empirical_run(&plan, samples);
        let largest = plain.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let worst = engine.iter().zip(&plain).map(|(&e, p)| (e as f64 - p).abs()).fold(0.0, f64::max);
        assert!(worst <= 1e-5 * largest, "{steps} steps: largest difference {worst:.3e}, largest value {largest:.3}");
    }
    let (d, samples) = (64, 6);
    let plan =
        LatentPlan::new(&pca.variances, &pca.training_latents(d), request(d, LatentScore::Empirical, 30, samples))
            .unwrap();
    let engine = plan.run_cpu(0..samples);
    // Sample 0 alone (a block of one), then samples 1–5 (a block of four and one of one).
    let (first, rest) = (plan.run_cpu(0..1), plan.run_cpu(1..samples));
    for f in 0..plan.frames.len() {
        let whole = &engine[f * samples * d..(f + 1) * samples * d];
        assert_eq!(whole[..d], first[f * d..(f + 1) * d], "frame {f}, sample 0");
        assert_eq!(whole[d..], rest[f * (samples - 1) * d..(f + 1) * (samples - 1) * d], "frame {f}, samples 1–5");
    }
    // A run in chunks of one sample (rounded up to whole blocks) records the same numbers.
    let mut chunked = LatentRun::new(plan.clone());
    while chunked.run_cpu_chunk(1) < samples {}
    assert_eq!(chunked.grid_latents(samples), finished(plan).grid_latents(samples));
}

#[test]
fn a_run_shared_among_workers_is_the_run_in_one_go() {
    let pca = ImagePca::fit(&digits());
    let (d, samples) = (16, 23);
    for unit_variance in [false, true] {
        let request = LatentRequest { unit_variance, ..request(d, LatentScore::Empirical, 40, samples) };
        let plan = LatentPlan::new(&pca.variances, &pca.training_latents(d), request.clone()).unwrap();
        // Another worker rebuilds the plan from what the run hands it, and must get it exactly.
        let helper = LatentPlan::rebuilt(&plan.variances, plan.training.clone(), request).unwrap();
        assert_eq!(
            (&helper.training, &helper.start_sd, &helper.empirical),
            (&plan.training, &plan.start_sd, &plan.empirical)
        );
        assert_eq!(helper.scale, plan.scale);
        // Ranges arrive out of order, some computed here and some by the helper.
        let mut shared = LatentRun::new(plan.clone());
        assert_eq!(shared.set_samples(12, &helper.run_cpu(12..20)).unwrap(), 8);
        assert_eq!(shared.run_cpu_range(4..8).unwrap(), 12);
        assert_eq!(shared.set_samples(20, &helper.run_cpu(20..23)).unwrap(), 15);
        // The next chunk fills the first gap (0..4) and stops before sample 4, already in.
        assert_eq!(shared.run_cpu_chunk(100), 19);
        assert!(!shared.is_complete());
        assert_eq!(shared.run_cpu_chunk(1), samples);
        assert!(shared.is_complete());
        let whole = finished(plan);
        assert_eq!(shared.latents, whole.latents, "unit variance {unit_variance}");
        assert_ne!(whole.latents[..d], whole.latents[d..2 * d], "samples differ");
    }
}

#[test]
fn a_run_refuses_ranges_it_cannot_take() {
    let pca = ImagePca::fit(&digits());
    let (d, samples) = (4, 10);
    let plan = LatentPlan::new(&pca.variances, &[], request(d, LatentScore::Gaussian, 10, samples)).unwrap();
    let frames = plan.frames.len();
    let mut run = LatentRun::new(plan.clone());
    run.run_cpu_range(2..6).unwrap();
    let from_elsewhere = plan.run_cpu(0..2);
    let results = [
        (run.run_cpu_range(5..8), "overlaps samples already in"),
        (run.run_cpu_range(8..11), "8..11 is not a range of the run's samples 0..10"),
        (run.run_cpu_range(7..7), "7..7 is not a range"),
        (run.set_samples(0, &vec![0.0; frames * d + 1]), "are not whole samples"),
        (run.set_samples(9, &from_elsewhere), "9..11 is not a range"),
        (run.set_samples(usize::MAX, &from_elsewhere), "is not a range"),
    ];
    for (result, message) in results {
        let error = result.unwrap_err();
        assert_eq!(error.field, "samples");
        assert!(error.to_string().contains(message), "{error}");
    }
    // Refused ranges changed nothing: the first gap is still 0..2, and the run completes.
    assert_eq!(run.done(), 4);
    assert_eq!(run.run_cpu_chunk(1), 6);
    assert_eq!(run.run_cpu_range(6..10).unwrap(), samples);
    assert_eq!(run.latents, finished(plan).latents);
}

#[test]
fn plan_limits_name_their_field() {
    let variances = [1.0, 0.5];
    let point = [0.0, 0.0];
    let cases = [
        (LatentRequest { d: 3, ..request(1, LatentScore::Gaussian, 10, 10) }, "d"),
        (LatentRequest { samples: 0, ..request(1, LatentScore::Gaussian, 10, 10) }, "samples"),
        (LatentRequest { steps: 0, ..request(1, LatentScore::Gaussian, 10, 10) }, "steps"),
        (LatentRequest { frames: 1, ..request(1, LatentScore::Gaussian, 10, 10) }, "frames"),
        (LatentRequest { final_time: -1.0, ..request(1, LatentScore::Gaussian, 10, 10) }, "T"),
    ];
    for (request, field) in cases {
        let error = LatentPlan::new(&variances, &point, request).unwrap_err();
        assert!(error.field.starts_with(field), "{field}: {error}");
    }
}

/// The held-out split: sizes, one fixed order, every image on exactly one side, labels along.
#[test]
fn the_held_out_split_is_seeded_disjoint_and_complete() {
    let set = digits();
    let (training, held) = split(&set, 1000).unwrap();
    assert_eq!((training.count(), held.count()), (1000, 797));
    assert_eq!(split(&set, 1000).unwrap(), (training.clone(), held.clone()), "one fixed order");
    // Every image (with its label) is on exactly one side: the multisets add up.
    let key = |s: &ImageSet, i: usize| {
        (s.labels.as_ref().unwrap()[i], s.image(i).iter().map(|v| (v * 16.0).round() as u8).collect::<Vec<_>>())
    };
    let mut all: Vec<_> = (0..set.count()).map(|i| key(&set, i)).collect();
    let mut parts: Vec<_> = (0..1000).map(|i| key(&training, i)).chain((0..797).map(|i| key(&held, i))).collect();
    all.sort();
    parts.sort();
    assert_eq!(all, parts);
    // Both sides keep at least two images.
    assert_eq!(split(&set, 1).unwrap_err().field, "nTrain");
    assert_eq!(split(&set, 1796).unwrap_err().field, "nTrain");
    assert!(split(&set, 1795).is_ok() && split(&set, 2).is_ok());
}

/// The held-out distance through the d × d block of the held-out covariance in the training PCA's
/// basis, against eq. (6) computed independently in pixel space with the full P × P matrix square
/// root: for the Gaussian score's law and for samples' empirical Gaussian.
#[test]
fn held_out_distances_are_the_pixel_space_frechet_distance() {
    for set in [digits(), digits_8_bit()] {
        held_out_distances_of_set_are_the_pixel_space_frechet_distance(&set);
    }
}

fn held_out_distances_of_set_are_the_pixel_space_frechet_distance(set: &ImageSet) {
    use ldm_explorer::theory::general::frechet_distance2;
    use nalgebra::DMatrix;
    let (pca, held, held_out) = held_out_of(set, 600);
    let p = pca.pixels();
    // The held-out images' Gaussian in pixels, directly.
    let m = held.count();
    let pixels = DMatrix::from_fn(m, p, |i, j| to_signal(held.intensities[i * p + j]));
    let mean: Vec<f64> = (0..p).map(|j| pixels.column(j).mean()).collect();
    let centred = DMatrix::from_fn(m, p, |i, j| pixels[(i, j)] - mean[j]);
    let covariance = centred.tr_mul(&centred) / m as f64;
    for d in [1, 5, 20, 64] {
        // A latent law N(μ, C) decoded: N(μ_train + U_d μ, U_d C U_dᵀ).
        let u = pca.components.columns(0, d).into_owned();
        let latent_mean: Vec<f64> = (0..d).map(|k| 0.1 * (k as f64 + 1.0).sin()).collect();
        let root = DMatrix::from_fn(d, d, |i, j| {
            if i == j { 0.5 + 0.3 * (i as f64).cos().abs() } else { 0.05 / (1.0 + (i + j) as f64) }
        });
        let latent_covariance = &root * root.transpose();
        let decoded_mean: Vec<f64> =
            (0..p).map(|j| pca.mean[j] + (0..d).map(|k| u[(j, k)] * latent_mean[k]).sum::<f64>()).collect();
        let decoded = &u * &latent_covariance * u.transpose();
        let direct = frechet_distance2(&decoded_mean, &decoded, &mean, &covariance);
        let through_block = held_out.fd2(&latent_mean, &latent_covariance);
        // The direct root of a rank-d P × P matrix carries √(round-off) ≈ 1e-8 per null direction.
        assert!((through_block - direct).abs() < 1e-6 * direct.max(1.0), "d = {d}: {through_block} against {direct}");
        // The Gaussian score's law: zero mean, diagonal.
        let variances: Vec<f64> = (0..d).map(|k| pca.variances[k] * 0.9).collect();
        let diagonal = DMatrix::from_diagonal(&nalgebra::DVector::from_column_slice(&variances));
        let direct = frechet_distance2(&pca.mean, &(&u * diagonal * u.transpose()), &mean, &covariance);
        let law = held_out.law_fd2(&variances);
        assert!((law - direct).abs() < 1e-6 * direct.max(1.0), "d = {d}: law {law} against {direct}");
    }
    // Samples: their empirical mean and (1/n) covariance.
    let d = 3;
    let samples: Vec<f64> =
        (0..500).flat_map(|i| (0..d).map(move |k| ((i * 7 + k * 13) % 29) as f64 / 10.0 - 1.4)).collect();
    let rows = DMatrix::from_row_slice(500, d, &samples);
    let sample_mean: Vec<f64> = (0..d).map(|k| rows.column(k).mean()).collect();
    let centred = DMatrix::from_fn(500, d, |i, k| rows[(i, k)] - sample_mean[k]);
    let sample_covariance = centred.tr_mul(&centred) / 500.0;
    assert!((held_out.samples_fd2(&samples, d) - held_out.fd2(&sample_mean, &sample_covariance)).abs() < 1e-12);
    // Fewer samples than coordinates: the n × n route against the covariance's own root.
    let (n, d) = (20, 40);
    let samples: Vec<f64> = (0..n * d).map(|i| ((i * 7919) % 113) as f64 / 50.0 - 1.1).collect();
    let rows = DMatrix::from_row_slice(n, d, &samples);
    let sample_mean: Vec<f64> = (0..d).map(|k| rows.column(k).mean()).collect();
    let centred = DMatrix::from_fn(n, d, |i, k| rows[(i, k)] - sample_mean[k]);
    let sample_covariance = centred.tr_mul(&centred) / n as f64;
    let (small, whole) = (held_out.samples_fd2(&samples, d), held_out.fd2(&sample_mean, &sample_covariance));
    assert!((small - whole).abs() < 1e-7 * whole, "{small} against {whole}");
}

/// Against held-out digits the Gaussian score's simulated distance agrees with its exact law: the
/// mean over seeded runs lies within four standard errors of the exact value plus the estimator's
/// bias (measured here on samples of the exact law itself), and the frames' values are the line's.
#[test]
fn held_out_runs_follow_their_exact_law() {
    let (pca, _, held_out) = held_out_digits(1000);
    let (d, n, runs) = (8, 1000, 4);
    let mut last = Vec::new();
    let mut summary = None;
    for seed in 0..runs {
        let request = LatentRequest { seed, ..request(d, LatentScore::Gaussian, 40, n) };
        let mut run = finished(LatentPlan::new(&pca.variances, &[], request).unwrap());
        let mut measured_at_once = run.clone();
        // Measured frame by frame first (as the worker does), the summary is the same.
        assert_eq!(run.measure_frame(&held_out), 1);
        while run.measure_frame(&held_out) < run.plan.frames.len() {}
        let s = run.summary(&pca, 4, Some(&held_out));
        assert_eq!(s, measured_at_once.summary(&pca, 4, Some(&held_out)));
        // The best stop is the exact line's smallest point, and its gain is against the line's end.
        let smallest = s.law_fd2.iter().copied().fold(f64::INFINITY, f64::min);
        let at = s.law_fd2.iter().position(|&v| v == smallest).unwrap();
        assert_eq!((s.stop.t, s.stop.fd2, s.stop.exact), (s.law_t[at], smallest, true));
        assert!((s.stop.gain - (1.0 - smallest / s.law_fd2.last().unwrap())).abs() < 1e-15);
        assert_eq!(s.held_out, 797);
        for (f, &step) in s.steps.iter().enumerate() {
            let at = s
                .law_t
                .iter()
                .position(|&t| t == run.plan.sampler.step_times()[step])
                .expect("each frame's step is on the line");
            assert_eq!(s.law_at_frames[f], s.law_fd2[at]);
        }
        last.push(*s.empirical_fd2.last().unwrap());
        summary = Some(s);
    }
    let exact = *summary.unwrap().law_at_frames.last().unwrap();
    let mean = last.iter().sum::<f64>() / runs as f64;
    let sd = (last.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (runs - 1) as f64).sqrt();
    // The empirical Fréchet distance of n samples is biased up by about tr(G)·d/(2n)-sized terms.
    let bias_bound = 0.05 * exact;
    assert!(
        (mean - exact).abs() < 4.0 * sd / (runs as f64).sqrt() + bias_bound,
        "simulated {mean} ± {sd} against exact {exact}"
    );
}

/// README's table of where late steps hurt on held-out digits: the Gaussian score's exact law, 200
/// steps, OU, T = 2, by training images and latent dimension.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn readme_s_held_out_table_holds() {
    let readme = include_str!("../README.md");
    let table = &readme[readme.find("| training images (`nTrain`)").expect("README's table")..];
    for line in table.lines().skip(2).take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let n_train: usize = cells[0].parse().unwrap();
        let (pca, _, held_out) = held_out_digits(n_train);
        for (cell, d) in cells[1..].iter().zip([4, 16, 64]) {
            let plan = LatentPlan::new(
                &pca.variances,
                &[],
                LatentRequest { frames: 21, ..request(d, LatentScore::Gaussian, 200, 2) },
            )
            .unwrap();
            let s = finished(plan).summary(&pca, 1, Some(&held_out));
            let (best, least) =
                s.law_fd2.iter().enumerate().fold((0, f64::INFINITY), |b, (i, &v)| if v < b.1 { (i, v) } else { b });
            let end = *s.law_fd2.last().unwrap();
            let expected = if best + 1 == s.law_fd2.len() {
                "runs to `T`".to_string()
            } else {
                let gain = 100.0 * (1.0 - least / end);
                let t = s.law_t[best];
                if cell.starts_with("best") {
                    format!("best stop t = {t:.3}, {gain:.2}% below `T`")
                } else {
                    format!("t = {t:.3}, {gain:.2}%")
                }
            };
            assert_eq!(*cell, expected, "nTrain {n_train}, d = {d}");
        }
    }
}

/// The 1-D Wasserstein distance by hand, and both sample distances against closed forms for
/// isotropic Gaussians: `SW₂² = (s₁ − s₂)²` (every projection is a 1-D Gaussian), and the Gaussian
/// kernel's `MMD² = 2(1 + 2s²/ℓ²)^{−P/2} (1 − exp(−|Δμ|²/(2(ℓ² + 2s²))))` for a shift `Δμ`.
#[test]
fn sliced_wasserstein_and_mmd_match_their_closed_forms() {
    use ldm_explorer::images::metrics::{SampleMetrics, wasserstein2_1d};
    use nalgebra::DMatrix;
    use rand_distr::{Distribution, StandardNormal};
    // Quantiles of [0, 1] and [0, 0, 3]: gaps 0 on (0, ½], 1 on (½, ⅔], 2 on (⅔, 1].
    assert!((wasserstein2_1d(&[0.0, 1.0], &[0.0, 0.0, 3.0]) - (1.0 / 6.0 + 4.0 / 3.0)).abs() < 1e-15);
    assert_eq!(wasserstein2_1d(&[1.0, 2.0, 5.0], &[1.0, 2.0, 5.0]), 0.0);
    let p = 4;
    let mut rng = ldm_explorer::numeric::random::seeded_rng(5);
    let mut gaussian = |rows: usize, scale: f64, shift: f64| -> DMatrix<f64> {
        DMatrix::from_fn(rows, p, |_, k| {
            let z: f64 = StandardNormal.sample(&mut rng);
            scale * z + if k == 0 { shift } else { 0.0 }
        })
    };
    let reference = gaussian(4000, 1.0, 0.0);
    let metrics = SampleMetrics::new(&reference, &DMatrix::identity(p, p));
    let row_major =
        |m: &DMatrix<f64>| -> Vec<f64> { m.row_iter().flat_map(|r| r.iter().copied().collect::<Vec<_>>()).collect() };
    let wider = gaussian(4000, 1.5, 0.0);
    let sw = metrics.sliced_w2(&row_major(&wider), p);
    assert!((sw - 0.25).abs() < 0.03, "SW₂² {sw} against (1.5 − 1)² = 0.25");
    // MMD: the same law gives about 0 (unbiased), a shifted one the closed form at the kernel's ℓ.
    let ell2 = metrics.two_bandwidth2 / 2.0;
    let same = metrics.mmd2(&row_major(&gaussian(256, 1.0, 0.0)), p);
    let shifted = metrics.mmd2(&row_major(&gaussian(256, 1.0, 1.5)), p);
    let closed = 2.0 * (1.0 + 2.0 / ell2).powf(-(p as f64) / 2.0) * (1.0 - (-2.25 / (2.0 * (ell2 + 2.0))).exp());
    assert!(same.abs() < 0.2 * closed, "same law: {same} (closed form of the shift: {closed})");
    assert!((shifted - closed).abs() < 0.25 * closed, "shifted: {shifted} against {closed}");
}

/// Unit-variance latents: the diffusion runs on latents whose kept variances average 1, and every
/// number the run reports is back in the images' units. The samples are the unscaled run's law at
/// T (both end at the data), not at t = 0, where the noise meets data of another scale; the
/// simulated distances follow their own exact law.
#[test]
fn unit_variance_latents_are_scaled_for_the_diffusion_only() {
    let pca = ImagePca::fit(&digits());
    // All 64 components: their mean variance is well below 1 (the top 16 average about 1 already).
    let d = 64;
    let steps = 2000;
    let plain = LatentPlan::new(&pca.variances, &[], request(d, LatentScore::Gaussian, steps, 2)).unwrap();
    let unit = LatentRequest { unit_variance: true, ..request(d, LatentScore::Gaussian, steps, 2) };
    let scaled = LatentPlan::new(&pca.variances, &[], unit).unwrap();
    let kept = &scaled.sampler.problem.variances[..d];
    assert!((kept.iter().sum::<f64>() / d as f64 - 1.0).abs() < 1e-12, "kept variances average 1");
    let mean = pca.variances[..d].iter().sum::<f64>() / d as f64;
    assert!((scaled.scale - 1.0 / mean.sqrt()).abs() < 1e-12 && plain.scale == 1.0);
    // Back in image units the laws start apart (noise of variance 1/scale² against 1) and both end
    // near the data's variances (Euler–Maruyama's error differs with the scale).
    let (a, b) = (plain.law_variances(), scaled.law_variances());
    assert!((b[0] - a[0]).abs() > 0.1 * a[0], "t = 0: {} against {}", b[0], a[0]);
    let last = steps * d;
    // Euler–Maruyama's relative error at the end grows like h/σ̂²: the coordinates of variance ≥ 0.05.
    for k in (0..d).filter(|&k| pca.variances[k] >= 0.05) {
        let data = pca.variances[k];
        for (name, law) in [("plain", &a), ("scaled", &b)] {
            let end = law[last + k];
            assert!((end - data).abs() < 0.05 * data + 1e-6, "{name} k = {k}: {end} against {data}");
        }
    }
    // The simulated latents, divided by the scale, have the law's variances in image units.
    let (n, steps) = (1500, 200);
    let unit = LatentRequest { unit_variance: true, ..request(d, LatentScore::Gaussian, steps, n) };
    let plan = LatentPlan::new(&pca.variances, &[], unit).unwrap();
    let law = plan.law_variances();
    let scale = plan.scale;
    let mut run = finished(plan);
    let frames = run.plan.frames.len();
    for k in [0, 10, 40] {
        let column: Vec<f64> = (0..n).map(|s| f64::from(run.latents[((frames - 1) * n + s) * d + k]) / scale).collect();
        assert_moments(&column, 0.0, law[steps * d + k], &format!("k {k}"));
    }
    let summary = run.summary(&pca, 4, None);
    assert_eq!(*summary.law_at_frames.last().unwrap(), *run.plan.law_fd2().last().unwrap());
}
