//! The page's model natively: the readout against the curves and the closed forms, the summary's
//! verdicts, the sampler overlay and its CSV against the sampler's exact law, the scatter's steps,
//! and every panel drawn through the recording backend into SVG and exported as CSV. Runs natively
//! and as wasm in Chromium.

use ldm_explorer::api::ExplorerRequest;
use ldm_explorer::draw::{LIGHT, Style, View, XAxis};
use ldm_explorer::model::{Explorer, Panel, SamplerChoice, names};
use ldm_explorer::sim::sampler::{Method, Sampler, Score, Start};
use ldm_explorer::theory::capped::CappedProblem;
use ldm_explorer::theory::diagonal::{DiagonalProblem, stopping_distance};
use ldm_explorer::theory::schedule::Schedule;
use plotters::prelude::SVGBackend;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const FIG4_LEFT: [f64; 9] = [1.0, 0.6, 0.36, 0.216, 0.1296, 0.07776, 0.046656, 1e-10, 1e-10];
const POINTS: usize = 101;

fn request(variances: &[f64], estimated: Option<&[f64]>) -> ExplorerRequest {
    ExplorerRequest {
        variances: variances.to_vec(),
        estimated_variances: estimated.map(<[f64]>::to_vec),
        final_time: None,
        points: Some(POINTS),
        schedule: None,
        cap: 100.0,
        verdict_work: None,
    }
}

/// A plug-in problem whose small-`d` curves dip before `T` (Prop 1's sum negative).
fn plug_in() -> Explorer {
    Explorer::new(request(&[0.9, 0.4, 0.1, 0.01], Some(&[0.7, 0.45, 0.13, 0.002]))).unwrap()
}

fn view(x_axis: XAxis, cursor: Option<f64>) -> View {
    View { x_axis, emphasis: None, cursor, ..View::default() }
}

fn svg(explorer: &Explorer, panel: Panel, view: &View) -> String {
    let (recording, _) = explorer.record(panel, (640, 400), view, &Style { theme: LIGHT, scale: 1.0 }).unwrap();
    let mut svg = String::new();
    recording.replay(&mut SVGBackend::with_string(&mut svg, (640, 400))).unwrap();
    svg
}

#[test]
fn the_readout_is_the_curves_at_the_cursor() {
    let explorer = plug_in();
    let curves = explorer.curves();
    for i in [0, 17, 50, POINTS - 1] {
        let t = curves.t[i];
        let readout = explorer.readout(t).unwrap();
        for d in 1..=4 {
            assert!((readout.fd2[d - 1] - curves.fd2.row(d)[i]).abs() < 1e-14, "plug-in d = {d}, t = {t}");
            assert!((readout.fd2_exact[d - 1] - curves.exact().row(d)[i]).abs() < 1e-14, "exact d = {d}, t = {t}");
            assert!((readout.fd2_capped[d - 1] - explorer.capped().fd2.row(d)[i]).abs() < 1e-14, "capped d = {d}");
        }
        assert_eq!(readout.best_dim as u32, curves.fd2.best_dim[i]);
        assert_eq!(readout.best_dim_exact as u32, curves.exact().best_dim[i]);
        // OU: LogSNR = log(b²/a²) = −log(e^{2τ} − 1) at τ = T − t.
        let tau: f64 = 2.0 - t;
        let expected = if tau == 0.0 { f64::INFINITY } else { -(2.0 * tau).exp_m1().ln() };
        assert!(readout.log_snr == expected || (readout.log_snr - expected).abs() < 1e-12 * (1.0 + expected.abs()));
        if i > 0 && i + 1 < POINTS {
            assert!((explorer.time_at(readout.log_snr, XAxis::LogSnr) - t).abs() < 1e-9, "LogSNR back to t = {t}");
        }
    }
    assert_eq!(explorer.time_at(5.0, XAxis::Time), 2.0);
    for t in [-0.1, 2.1, f64::NAN] {
        assert_eq!(explorer.readout(t).unwrap_err().field, "cursor");
    }
}

#[test]
fn the_summary_gives_each_d_its_verdict_and_gain() {
    let explorer = plug_in();
    let summary = explorer.summary();
    let curves = explorer.curves();
    assert_eq!((summary.dimension, summary.final_time, summary.exact_score), (4, 2.0, false));
    assert!(summary.monotone.iter().any(|m| !m), "this spectrum has a curve that dips");
    for d in 1..=4 {
        let end = *curves.fd2.row(d).last().unwrap();
        assert!((summary.at_end[d - 1] - end).abs() < 1e-14);
        if summary.monotone[d - 1] {
            assert_eq!((summary.optimal_stop[d - 1], summary.at_optimal_stop[d - 1]), (2.0, summary.at_end[d - 1]));
        } else {
            let stop = summary.optimal_stop[d - 1];
            // The definition's value there, to round-off (the search carries it as a Taylor sum).
            let defined = stopping_distance(&curves.problem, stop, d);
            assert!((summary.at_optimal_stop[d - 1] - defined).abs() <= 1e-13 * defined, "d = {d}");
            // The optimal stop beats T and every point of the grid.
            assert!(summary.at_optimal_stop[d - 1] < summary.at_end[d - 1]);
            assert!(curves.fd2.row(d).iter().all(|&v| summary.at_optimal_stop[d - 1] <= v + 1e-15));
        }
    }
    // Figure 4 (left), exact score: every curve falls to T and Prop 2's switch times are the paper's.
    let fig4 = Explorer::new(request(&FIG4_LEFT, None)).unwrap().summary();
    assert!(fig4.exact_score && fig4.monotone.iter().all(|&m| m));
    for (d, printed) in [(4, 1.124), (5, 1.704), (6, 1.854), (7, 1.921)] {
        assert!((fig4.switch_times[d - 1] - printed).abs() < 5e-4, "t_{d} = {}", fig4.switch_times[d - 1]);
    }
}

#[test]
fn a_verdict_budget_leaves_the_rest_of_the_stops_to_find_later() {
    let variances: Vec<f64> = (1..=400).map(|k| 1.0 / k as f64).collect();
    let estimated: Vec<f64> =
        variances.iter().enumerate().map(|(k, v)| v * (0.6 + 0.8 * ((k * 7) % 11) as f64 / 10.0)).collect();
    let whole = Explorer::new(request(&variances, Some(&estimated))).unwrap().summary();
    assert_eq!(whole.verdicts_found, 400);
    let mut explorer =
        Explorer::new(ExplorerRequest { verdict_work: Some(5_000), ..request(&variances, Some(&estimated)) }).unwrap();
    let started = explorer.summary();
    assert!(started.verdicts_found > 0 && started.verdicts_found < 400, "{}", started.verdicts_found);
    assert!(started.optimal_stop[started.verdicts_found..].iter().all(|t| t.is_nan()));
    // What is known at once stays as it is: the curves, Prop 1's verdicts, the switch times.
    assert_eq!(
        (&started.monotone, &started.switch_times, &started.at_end),
        (&whole.monotone, &whole.switch_times, &whole.at_end)
    );
    while !explorer.find_verdicts(5_000) {}
    let finished = explorer.summary();
    assert_eq!(finished.verdicts_found, 400);
    assert_eq!(finished.optimal_stop, whole.optimal_stop);
    assert_eq!(finished.at_optimal_stop, whole.at_optimal_stop);
    assert!(whole.monotone.iter().filter(|&&m| !m).count() > 100, "most d stop early here");
}

#[test]
fn a_new_cap_recomputes_only_the_capped_score() {
    let mut explorer = plug_in();
    let before = explorer.curves().fd2.values.clone();
    // The capped tables, computed when first asked for, are those of the new cap after it.
    let old_capped = explorer.capped().fd2.values.clone();
    explorer.set_cap(7.0).unwrap();
    assert_ne!(explorer.capped().fd2.values, old_capped);
    assert_eq!(explorer.curves().fd2.values, before);
    let problem = CappedProblem::new(vec![0.9, 0.4, 0.1, 0.01], Some(vec![0.7, 0.45, 0.13, 0.002]), 7.0, 2.0).unwrap();
    let fresh = ldm_explorer::theory::capped::CappedAnswer::compute(problem, POINTS);
    let summary = explorer.summary();
    assert_eq!(
        (summary.cap, summary.d_min, summary.d1, summary.d2),
        (7.0, fresh.outcome.d_min, fresh.outcome.d1, fresh.outcome.d2)
    );
    assert_eq!(explorer.capped().fd2.values, fresh.fd2.values);
    assert_eq!(explorer.set_cap(0.5).unwrap_err().field, "C");
    assert_eq!(explorer.summary().cap, 7.0, "a refused cap keeps the last good one");
}

fn choice(steps: usize, overlay: bool) -> SamplerChoice {
    SamplerChoice { method: Method::Exponential, steps, overlay }
}

#[test]
fn the_sampler_overlay_is_the_exact_law_of_the_worker_s_sampler() {
    let mut explorer = plug_in();
    assert_eq!(explorer.sampler_request(2).unwrap_err().to_string(), "sampler: choose a sampler first");
    explorer.set_sampler(choice(40, true)).unwrap();
    // The highlighted d, else the best d at T.
    assert_eq!(explorer.sampler_dimension(Some(2)), 2);
    let best = *explorer.curves().fd2.best_dim.last().unwrap() as usize;
    assert_eq!(explorer.sampler_dimension(Some(9)), best);
    let sampler = explorer.sampler_request(2).unwrap().sampler().unwrap();
    let problem = DiagonalProblem::new(
        vec![0.9, 0.4, 0.1, 0.01],
        Some(vec![0.7, 0.45, 0.13, 0.002]),
        Schedule::OrnsteinUhlenbeck,
        2.0,
    )
    .unwrap();
    let independent = Sampler::new(problem, 2, 40, 2.0, Method::Exponential, Start::Stationary, Score::PlugIn).unwrap();
    assert_eq!(sampler.law_fd2(), independent.law_fd2());
    // Its outcome: the law after the last step, its least value and when, and the continuous law's.
    let outcome = explorer.sampler_outcome(Some(2)).unwrap();
    let (law, times) = (independent.law_fd2(), independent.step_times());
    let least = law.iter().cloned().fold(f64::INFINITY, f64::min);
    assert_eq!((outcome.d, outcome.steps, outcome.at_end, outcome.at_best), (2, 40, law[40], least));
    assert_eq!(outcome.best_t, times[law.iter().position(|&v| v == least).unwrap()]);
    let summary = explorer.summary();
    assert_eq!(outcome.continuous_at_end, summary.at_end[1]);
    // Its CSV: one row per step with the exact law; the Monte Carlo columns once runs are handed in.
    let highlighted = View { emphasis: Some(2), ..view(XAxis::Time, None) };
    let csv = explorer.csv(Panel::Sampler, &highlighted).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 42);
    let law = independent.law_fd2();
    assert_eq!(rows[41], format!("2,{},,,", law[40]));
    explorer.set_monte_carlo(2, vec![1.0, 2.0], &[0.3, 0.2, 0.5, 0.4], 100).unwrap();
    let csv = explorer.csv(Panel::Sampler, &highlighted).unwrap();
    let last: Vec<&str> = csv.lines().last().unwrap().split(',').collect();
    assert_eq!(last[2].parse::<f64>().unwrap(), 0.30000000000000004);
    // Drawn over the curves, with its label; without the overlay there is no sampler CSV.
    assert!(svg(&explorer, Panel::Curves, &highlighted).contains("sampler, d = 2, 40 steps (exact law)"));
    explorer.set_sampler(choice(40, false)).unwrap();
    assert_eq!(explorer.csv(Panel::Sampler, &highlighted).unwrap_err().field, "sampler");
    assert!(!svg(&explorer, Panel::Curves, &highlighted).contains("exact law"));
}

#[test]
fn the_scatter_shows_the_last_recorded_step_before_the_cursor() {
    let mut explorer = plug_in();
    assert_eq!(explorer.scatter_step_at(1.0).unwrap_err().field, "scatter");
    explorer.set_sampler(choice(50, false)).unwrap();
    // Before the worker's samples: the sampler's own steps, h = T / 50.
    assert_eq!(explorer.scatter_step_at(0.0).unwrap(), 0);
    assert_eq!(explorer.scatter_step_at(1.0).unwrap(), 25);
    assert_eq!(explorer.scatter_step_at(1.03).unwrap(), 25);
    assert_eq!(explorer.scatter_step_at(2.0).unwrap(), 50);
    let (n, steps) = (3, vec![0, 10, 20, 30, 40, 50]);
    let data = vec![0.1; 2 * n];
    let generated = vec![0.2; 2 * n * steps.len()];
    explorer.set_scatter(&[1, 3], steps.clone(), data.clone(), generated.clone()).unwrap();
    assert_eq!(explorer.scatter_step_at(1.0).unwrap(), 20);
    assert_eq!(explorer.scatter_step_at(0.39).unwrap(), 0);
    // The CSV of the frame: two law rows, the data, the samples; a coordinate beyond d decodes to 0.
    let cursor = View { emphasis: Some(2), ..view(XAxis::Time, Some(1.0)) };
    let csv = explorer.csv(Panel::Scatter, &cursor).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "set,coordinate1,coordinate3");
    assert_eq!(rows.len(), 3 + 2 * n);
    assert_eq!(rows[1], "data law variance,0.9,0.1");
    assert_eq!(*rows.last().unwrap(), "generated,0.2,0");
    assert!(svg(&explorer, Panel::Scatter, &cursor).contains("Samples at t = 0.800 (20 steps done)"));
    // Bad samples are refused with their field; another sampler drops the old samples.
    assert_eq!(
        explorer.set_scatter(&[1, 5], steps.clone(), data.clone(), generated.clone()).unwrap_err().field,
        "coordinates"
    );
    assert_eq!(explorer.set_scatter(&[1, 2], vec![0, 60], data.clone(), generated.clone()).unwrap_err().field, "steps");
    assert_eq!(explorer.set_scatter(&[1, 2], steps, data, vec![0.0; 3]).unwrap_err().field, "scatter");
    explorer.set_sampler(choice(40, false)).unwrap();
    assert_eq!(explorer.scatter_step_at(1.0).unwrap(), 20);
    assert_eq!(explorer.scatter_step_at(0.99).unwrap(), 19, "the sampler's own steps again");
}

#[test]
fn every_panel_draws_and_exports_its_numbers() {
    let mut explorer = plug_in();
    explorer.set_sampler(choice(20, true)).unwrap();
    explorer.study_seeds(100, 50).unwrap();
    assert_eq!(explorer.advance_seeds(20).unwrap(), 20);
    assert_eq!(explorer.seed_summary(1).unwrap_err().field, "seeds", "not finished yet");
    assert_eq!(explorer.advance_seeds(100).unwrap(), 50);
    let style = Style { theme: LIGHT, scale: 1.0 };
    for x_axis in [XAxis::Time, XAxis::LogSnr] {
        let view = view(x_axis, Some(1.2));
        for panel in Panel::ALL.into_iter().filter(|p| p.is_drawn()) {
            let (recording, frame) = explorer.record(panel, (640, 400), &view, &style).unwrap();
            assert_eq!(frame.is_some(), panel.is_time_plot(), "{panel:?}");
            if let Some(frame) = frame {
                assert!(frame.left < frame.right && frame.top < frame.bottom, "{panel:?}");
                assert!(frame.right <= 640 && frame.bottom <= 400, "{panel:?}");
                match x_axis {
                    XAxis::Time => assert_eq!((frame.x_min, frame.x_max), (0.0, 2.0)),
                    XAxis::LogSnr => assert!(frame.x_min < frame.x_max && frame.x_max.is_finite()),
                }
            }
            let mut svg = String::new();
            recording.replay(&mut SVGBackend::with_string(&mut svg, (640, 400))).unwrap();
            assert!(
                svg.starts_with("<svg") && svg.matches("<text").count() >= 4,
                "{panel:?}: {} texts",
                svg.matches("<text").count()
            );
        }
    }
    let refused = explorer.record(Panel::Sampler, (640, 400), &view(XAxis::Time, None), &style);
    assert_eq!(refused.err().map(|e| e.field), Some("panel".to_string()));
    let plain = view(XAxis::Time, None);
    let lines = |panel| explorer.csv(panel, &plain).unwrap().lines().count();
    assert_eq!(lines(Panel::Curves), POINTS + 1);
    assert_eq!(lines(Panel::BestDimension), POINTS + 1);
    assert_eq!(lines(Panel::CappedCurves), POINTS + 1);
    assert_eq!(lines(Panel::CappedVariances), 4 + 1);
    assert_eq!(lines(Panel::CappedDistance), 4 + 1);
    assert_eq!(lines(Panel::Spectrum), 4 + 1);
    assert_eq!(lines(Panel::Sampler), 20 + 2);
    assert_eq!(lines(Panel::Seeds), 4 + 1);
    assert_eq!(lines(Panel::Schedule), ldm_explorer::draw::schedule::SCHEDULE_POINTS + 1);
    let spectrum = explorer.csv(Panel::Spectrum, &plain).unwrap();
    assert_eq!(spectrum.lines().nth(1).unwrap(), format!("1,0.9,{}", 0.4 + 0.1 + 0.01));
}

#[test]
fn the_names_the_page_reads_are_the_registry_s() {
    let names = names();
    let panels: Vec<&str> = names.panels.iter().map(|p| p.name).collect();
    assert_eq!(panels, Panel::NAMES);
    let time: Vec<&str> = names.panels.iter().filter(|p| p.time_plot).map(|p| p.name).collect();
    assert_eq!(time, ["curves", "best-dimension", "capped-curves"]);
    assert_eq!(names.schedules, Schedule::NAMES);
    assert_eq!(names.methods, Method::NAMES);
}

/// The points of every `<polyline>` of an SVG drawn in `stroke` ("#rrggbb") `width` pixels wide.
fn polyline_points(svg: &str, stroke: &str, width: u32) -> Vec<(f64, f64)> {
    svg.split("<polyline")
        .skip(1)
        .filter(|element| {
            element.contains(&format!("stroke=\"{stroke}\"")) && element.contains(&format!("stroke-width=\"{width}\""))
        })
        .flat_map(|element| {
            let points = element.split("points=\"").nth(1).unwrap().split('"').next().unwrap();
            points
                .split_whitespace()
                .map(|pair| {
                    let (x, y) = pair.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A zoomed window (x and y) shows the curves recomputed inside it: every drawn point of a curve
/// read back through the axes is the closed form there, none is flattened onto the plot's edge,
/// on the time axis and on LogSNR, and the plot's axis is the window.
#[test]
fn a_zoomed_window_draws_the_closed_form_inside_it() {
    let explorer = Explorer::new(ExplorerRequest { points: Some(401), ..request(&FIG4_LEFT, None) }).unwrap();
    let problem = &explorer.curves().problem;
    let schedule = problem.schedule;
    let size = (800u32, 500u32);
    for (x_axis, x_window) in [(XAxis::Time, (1.9, 2.0)), (XAxis::LogSnr, (-2.0, 6.5))] {
        let (y_low, y_high) = (1e-2, 1.0);
        let view = View { x_window: Some(x_window), y_window: Some((y_low, y_high)), ..view(x_axis, None) };
        let style = Style { theme: LIGHT, scale: 1.0 };
        let (recording, frame) = explorer.record(Panel::Curves, size, &view, &style).unwrap();
        let frame = frame.unwrap();
        assert_eq!((frame.x_min, frame.x_max), x_window);
        let mut svg = String::new();
        recording.replay(&mut SVGBackend::with_string(&mut svg, size)).unwrap();
        let time_at = |px: f64| {
            let x = frame.x_min
                + (px - frame.left as f64) / (frame.right - frame.left) as f64 * (frame.x_max - frame.x_min);
            match x_axis {
                XAxis::Time => x,
                XAxis::LogSnr => ldm_explorer::theory::diagonal::time_of_log_snr(&schedule, 2.0, x),
            }
        };
        // One pixel of the y axis, in decades.
        let decade_px = (y_high / y_low).log10() / (frame.bottom - frame.top) as f64;
        for d in [6, 8] {
            let color = ldm_explorer::draw::style::dimension_color(d, 9);
            let stroke = format!("#{:02X}{:02X}{:02X}", color.0, color.1, color.2);
            // The curves are 2 px wide, their legend swatches 3.
            let points = polyline_points(&svg, &stroke, 2);
            assert!(points.len() > 50, "{x_axis:?} d = {d}: {} points drawn", points.len());
            for &(px, py) in &points {
                let drawn = y_high.log10() - (py - frame.top as f64) * decade_px;
                // The closed form over the pixel column's width (the curve is steep near T).
                let near: Vec<f64> =
                    [-1.0, 0.0, 1.0].iter().map(|dx| stopping_distance(problem, time_at(px + dx), d).log10()).collect();
                let (low, high) =
                    near.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
                assert!(
                    drawn >= low - 1.5 * decade_px && drawn <= high + 1.5 * decade_px,
                    "{x_axis:?} d = {d} at px ({px}, {py}): drawn 10^{drawn:.4}, closed form 10^[{low:.4}, {high:.4}]"
                );
            }
        }
    }
}

#[test]
fn plot_windows_are_checked() {
    use ldm_explorer::api::explorer::PlotOptions;
    let field = |x: Option<[f64; 2]>, y: Option<[f64; 2]>| {
        PlotOptions { x_range: x, y_range: y, ..PlotOptions::default() }.style_and_view().err().map(|e| e.field)
    };
    assert_eq!(field(Some([1.0, 2.0]), Some([1e-3, 3.0])), None);
    assert_eq!(field(Some([-6.5, 6.5]), None), None);
    for bad in [[2.0, 1.0], [1.0, 1.0], [f64::NAN, 1.0], [0.0, f64::INFINITY], [1.0, 1.0 + 1e-12]] {
        assert_eq!(field(Some(bad), None).as_deref(), Some("xRange"), "{bad:?}");
    }
    for bad in [[0.0, 1.0], [-1.0, 1.0], [3.0, 2.0]] {
        assert_eq!(field(None, Some(bad)).as_deref(), Some("yRange"), "{bad:?}");
    }
}

/// The schedule panel's numbers are the schedule's closed forms: OU's `a² = 1 − e^{−2τ}`,
/// `b² = e^{−2τ}` at `τ = T − t`, and eq. (8)'s `ā⁻²(x)`: 0 below 0, `−½ log(1 − x)` up to `a²_T`,
/// `T` above (the paper's Figure 3 at `T = 4`).
#[test]
fn the_schedule_panel_holds_eq_8_and_the_ou_schedule() {
    let explorer = Explorer::new(ExplorerRequest { final_time: Some(4.0), ..request(&FIG4_LEFT, None) }).unwrap();
    let csv = explorer.csv(Panel::Schedule, &view(XAxis::Time, None)).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("t,a2,b2,logSnr,x,extendedInverseA2"));
    let a2_end = 1.0 - (-8.0f64).exp();
    for line in lines {
        let v: Vec<f64> = line.split(',').map(|f| f.parse().unwrap()).collect();
        let (t, a2, b2, log_snr, x, inverse) = (v[0], v[1], v[2], v[3], v[4], v[5]);
        let tau = 4.0 - t;
        assert!((a2 - (1.0 - (-2.0 * tau).exp())).abs() < 1e-14 && (b2 - (-2.0 * tau).exp()).abs() < 1e-14, "{line}");
        if tau > 0.0 {
            assert!((log_snr - (b2 / a2).ln()).abs() < 1e-9 * log_snr.abs().max(1.0), "{line}");
        }
        let expected = if x < 0.0 {
            0.0
        } else if x >= a2_end {
            4.0
        } else {
            -0.5 * (1.0 - x).ln()
        };
        assert!((inverse - expected).abs() < 1e-12, "x = {x}: {inverse} against {expected}");
    }
}
