//! `cargo bench`: the cost of the JS API's computations, natively. The browser's figures come from
//! www/bench.html.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ldm_explorer::api::{CappedRequest, CurvesRequest, capped_answer, stopping_curves_answer};
use ldm_explorer::theory::estimate::estimate_variances;

/// A power-law spectrum σk² = k^(−1.5), the shape of real latent spectra.
fn spectrum(dimension: usize) -> Vec<f64> {
    (1..=dimension).map(|k| (k as f64).powf(-1.5)).collect()
}

fn curves(c: &mut Criterion) {
    let mut group = c.benchmark_group("stoppingCurves");
    for &(dimension, points) in &[(100, 512), (1000, 1000)] {
        let variances = spectrum(dimension);
        let estimated = estimate_variances(&variances, 1000, 1).unwrap();
        let request = |estimated: Option<Vec<f64>>| CurvesRequest {
            variances: variances.clone(),
            estimated_variances: estimated,
            final_time: None,
            points: Some(points),
            schedule: None,
        };
        group.bench_function(BenchmarkId::new("exact", format!("D{dimension}xP{points}")), |b| {
            b.iter(|| stopping_curves_answer(request(None)).unwrap())
        });
        group.bench_function(BenchmarkId::new("plug-in n=1000", format!("D{dimension}xP{points}")), |b| {
            b.iter(|| stopping_curves_answer(request(Some(estimated.clone()))).unwrap())
        });
    }
    // The page's largest D with the plug-in score from a few samples, where most d stop early:
    // a root of Prop 3's equation for each of them.
    for (name, variances) in [
        ("exponential 2", (1..=4096).map(|k| 0.5f64.powi(k)).collect::<Vec<f64>>()),
        ("power 1", (1..=4096).map(|k| 1.0 / k as f64).collect()),
    ] {
        for n in [2, 1000] {
            let estimated = estimate_variances(&variances, n, 1).unwrap();
            let request = CurvesRequest {
                variances: variances.clone(),
                estimated_variances: Some(estimated),
                final_time: None,
                points: Some(400),
                schedule: None,
            };
            group.bench_function(BenchmarkId::new(format!("plug-in n={n}, {name}"), "D4096xP400"), |b| {
                b.iter(|| stopping_curves_answer(request.clone()).unwrap())
            });
        }
    }
    group.finish();
}

fn capped(c: &mut Criterion) {
    let variances = spectrum(1000);
    c.bench_function("cappedScore D1000xP512", |b| {
        b.iter(|| {
            capped_answer(CappedRequest {
                variances: variances.clone(),
                estimated_variances: None,
                cap: 100.0,
                final_time: None,
                points: Some(512),
            })
            .unwrap()
        })
    });
}

/// Coordinate updates per second of seeded Euler–Maruyama sampling (the page's interactive scatter:
/// n = 2000, 500 steps).
fn sampling(c: &mut Criterion) {
    use criterion::Throughput;
    use ldm_explorer::sim::sampler::{Method, Sampler, Score, Start};
    use ldm_explorer::theory::diagonal::DiagonalProblem;
    use ldm_explorer::theory::schedule::Schedule;
    let problem = DiagonalProblem::new(spectrum(8), None, Schedule::OrnsteinUhlenbeck, 2.0).unwrap();
    let sampler = Sampler::new(problem, 8, 500, 1.9, Method::EulerMaruyama, Start::Stationary, Score::Exact).unwrap();
    let mut group = c.benchmark_group("sample");
    group.throughput(Throughput::Elements(2000 * 500 * 8));
    group.bench_function("euler-maruyama n2000 steps500 d8", |b| b.iter(|| sampler.sample(2000, 1)));
    group.finish();
    // The page's scatter: two coordinates of 2000 samples, 101 recorded frames.
    let frames = ldm_explorer::sim::monte_carlo::frame_steps(500, 101);
    let mut group = c.benchmark_group("scatter");
    group.throughput(Throughput::Elements(2000 * 500 * 2));
    group.bench_function("n2000 steps500 2 coordinates 101 frames", |b| {
        b.iter(|| sampler.record(1, 0..2000, &[0, 1], &frames))
    });
    group.finish();
}

/// Any covariance: the PCA of 1000 samples and the estimated-basis curves by the matrix formula.
fn general(c: &mut Criterion) {
    use ldm_explorer::api::{GeneralRequest, general_answer};
    let request = |dimension: usize, dims: Option<Vec<usize>>| GeneralRequest {
        eigenvalues: Some(spectrum(dimension)),
        n: 1000,
        seed: 1,
        points: Some(256),
        dims,
        ..GeneralRequest::default()
    };
    let mut group = c.benchmark_group("generalGaussian");
    group.sample_size(10);
    group.bench_function("D256 points256 dims 1..32 by powers of 2", |b| {
        b.iter(|| general_answer(request(256, Some(vec![1, 2, 4, 8, 16, 32]))).unwrap())
    });
    group.bench_function("D64 points256 every d", |b| {
        b.iter(|| general_answer(request(64, Some((1..=64).collect()))).unwrap())
    });
    group.finish();
}

criterion_group!(benches, curves, capped, sampling, general);
criterion_main!(benches);
