//! CSV of every plot's data: the numbers behind the pictures, at full precision.

use std::fmt::Write;

use crate::draw::schedule::ScheduleCurves;
use crate::draw::seeds::stop_quantiles;
use crate::draw::{Overlay, ScatterFrame, XAxis};
use crate::theory::capped::CappedAnswer;
use crate::theory::diagonal::{CurveTable, CurvesAnswer, reconstruction_errors};
use crate::theory::schedule::Schedule;
use crate::theory::seeds::{SeedStudy, quantile};

/// Shortest text that parses back to the same `f64`, spelled as JavaScript's `Number()` reads it.
pub fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 { "Infinity".into() } else { "-Infinity".into() }
    } else {
        format!("{value}")
    }
}

fn dimension_headers(prefix: &str, dimension: usize) -> String {
    (1..=dimension).map(|d| format!(",{prefix}d={d}")).collect()
}

/// One row per time point: `t, logSnr` then each table's `dF²` for every `d`.
fn time_table_csv(answer: &CurvesAnswer, tables: &[(&str, &CurveTable)]) -> String {
    let mut out = String::from("t,logSnr");
    for (prefix, table) in tables {
        out.push_str(&dimension_headers(prefix, table.dimension()));
    }
    out.push('\n');
    for (i, (&t, &log_snr)) in answer.t.iter().zip(&answer.log_snr).enumerate() {
        let _ = write!(out, "{},{}", number(t), number(log_snr));
        for (_, table) in tables {
            for d in 1..=table.dimension() {
                let _ = write!(out, ",{}", number(table.row(d)[i]));
            }
        }
        out.push('\n');
    }
    out
}

/// Panel "curves": `dF²(t, d)` with the request's score, and with the exact one when it differs.
pub fn curves_csv(answer: &CurvesAnswer) -> String {
    match &answer.fd2_exact {
        None => time_table_csv(answer, &[("", &answer.fd2)]),
        Some(exact) => time_table_csv(answer, &[("plugin ", &answer.fd2), ("exact ", exact)]),
    }
}

/// Panel "best-dimension": the best `d` at each time, exact and with the request's score.
pub fn best_dimension_csv(answer: &CurvesAnswer) -> String {
    let mut out = String::from("t,logSnr,bestDimExact,bestDim\n");
    for (i, (&t, &log_snr)) in answer.t.iter().zip(&answer.log_snr).enumerate() {
        let _ = writeln!(
            out,
            "{},{},{},{}",
            number(t),
            number(log_snr),
            answer.exact().best_dim[i],
            answer.fd2.best_dim[i]
        );
    }
    out
}

/// Panel "capped-variances": per coordinate, `σk²`, `σ̂k²` and `V_T`.
pub fn capped_variances_csv(capped: &CappedAnswer) -> String {
    let base = &capped.problem.base;
    let mut out = String::from("k,variance,estimatedVariance,endVariance\n");
    for k in 0..base.dimension() {
        let _ = writeln!(
            out,
            "{},{},{},{}",
            k + 1,
            number(base.variances[k]),
            number(base.estimated[k]),
            number(capped.outcome.end_variances[k])
        );
    }
    out
}

/// Panel "capped-distance": `dF²(d)` at `t = T` under the cap.
pub fn capped_distance_csv(capped: &CappedAnswer) -> String {
    let mut out = String::from("d,fd2AtT\n");
    for (k, &v) in capped.outcome.fd2_by_dim.iter().enumerate() {
        let _ = writeln!(out, "{},{}", k + 1, number(v));
    }
    out
}

/// Panel "capped-curves": the capped sampler's `dF²(t, d)`.
pub fn capped_curves_csv(answer: &CurvesAnswer, capped: &CappedAnswer) -> String {
    time_table_csv(answer, &[("", &capped.fd2)])
}

/// Panel "spectrum": `σk²` and the reconstruction error `Σ_{k>d} σk²` with `d = k`.
pub fn spectrum_csv(variances: &[f64]) -> String {
    let mut out = String::from("k,variance,reconstructionError\n");
    for (k, (&v, &e)) in variances.iter().zip(&reconstruction_errors(variances)).enumerate() {
        let _ = writeln!(out, "{},{},{}", k + 1, number(v), number(e));
    }
    out
}

/// The schedule panel's curves: `a²`, `b²` and LogSNR at forward time `T − t` for backward times
/// `t`, and beside them `ā⁻²(x)` on its own grid of `x` (the same number of rows).
pub fn schedule_csv(schedule: &Schedule, final_time: f64) -> String {
    let curves = ScheduleCurves::new(schedule, final_time);
    let mut out = String::from("t,a2,b2,logSnr,x,extendedInverseA2\n");
    for i in 0..curves.t.len() {
        let row = [curves.t[i], curves.a2[i], curves.b2[i], curves.log_snr[i], curves.x[i], curves.inverse[i]];
        let _ = writeln!(out, "{}", row.map(number).join(","));
    }
    out
}

/// The seeds study per `d` (its draws of `n` samples each): the share of draws that stop early, the 10%, 50% and 90% quantiles of
/// their optimal stopping times (empty where none does), their median relative gain.
pub fn seeds_csv(study: &SeedStudy, answer: &CurvesAnswer) -> String {
    let mut out = String::from("d,draws,n,shareStoppingEarly,stopP10,stopMedian,stopP90,medianGain\n");
    let shown = |v: f64| if v.is_finite() { number(v) } else { String::new() };
    for (k, (share, [low, median, high])) in
        study.dip_shares().into_iter().zip(stop_quantiles(study, answer, XAxis::Time)).enumerate()
    {
        let gain = quantile(&study.gains[k], 0.5);
        let (draws, n) = (study.seeds, study.n);
        let (low, median, high, gain) = (shown(low), shown(median), shown(high), shown(gain));
        let _ = writeln!(out, "{},{draws},{n},{},{low},{median},{high},{gain}", k + 1, number(share));
    }
    out
}

/// The sampler drawn over the curves: its exact `dF²` after each step, and the Monte Carlo
/// summary (mean, band) at the checkpoints, which are among the steps' times.
pub fn sampler_csv(overlay: &Overlay) -> String {
    let mut out = String::from("t,lawFd2,monteCarloMean,monteCarloLower,monteCarloUpper\n");
    for (&t, &fd2) in overlay.t.iter().zip(&overlay.fd2) {
        let _ = write!(out, "{},{}", number(t), number(fd2));
        match overlay.monte_carlo.as_ref().and_then(|mc| mc.t.iter().position(|&c| c == t).map(|c| (mc, c))) {
            Some((mc, c)) => {
                let _ = writeln!(
                    out,
                    ",{},{},{}",
                    number(mc.band.mean[c]),
                    number(mc.band.lower[c]),
                    number(mc.band.upper[c])
                );
            }
            None => out.push_str(",,,\n"),
        }
    }
    out
}

/// Panel "scatter": the points of the frame shown, data draws then generated samples, and the
/// exact laws' variances on the two coordinates.
pub fn scatter_csv(frame: &ScatterFrame) -> String {
    let [i, j] = frame.coordinates;
    let mut out = format!("set,coordinate{i},coordinate{j}\n");
    let [dx, dy] = frame.data_variances;
    let [gx, gy] = frame.law_variances;
    let _ = writeln!(out, "data law variance,{},{}", number(dx), number(dy));
    let _ = writeln!(out, "sampler law variance,{},{}", number(gx), number(gy));
    for (set, points) in [("data", &frame.data), ("generated", &frame.generated)] {
        for &(x, y) in points.iter() {
            let _ = writeln!(out, "{set},{},{}", number(x), number(y));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theory::diagonal::DiagonalProblem;
    use crate::theory::schedule::Schedule;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn numbers_round_trip_and_read_in_javascript() {
        for v in [0.1, 1.0 / 3.0, 1e-300, 2.5e17, 0.0] {
            assert_eq!(number(v).parse::<f64>().unwrap(), v);
        }
        assert_eq!(number(f64::INFINITY), "Infinity");
    }

    #[test]
    fn curves_csv_has_a_row_per_time_and_a_column_per_dimension() {
        let problem =
            DiagonalProblem::new(vec![1.0, 0.5, 0.1], Some(vec![0.9, 0.6, 0.05]), Schedule::OrnsteinUhlenbeck, 2.0)
                .unwrap();
        let answer = CurvesAnswer::compute(problem, 5);
        let csv = curves_csv(&answer);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 6);
        assert_eq!(lines[0], "t,logSnr,plugin d=1,plugin d=2,plugin d=3,exact d=1,exact d=2,exact d=3");
        let last: Vec<f64> = lines[5].split(',').map(|f| f.parse().unwrap()).collect();
        assert_eq!(last[0], 2.0);
        assert_eq!(last[4], answer.fd2.row(3)[4]);
        assert_eq!(last[7], answer.exact().row(3)[4]);
    }
}
