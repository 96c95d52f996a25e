//! Every panel's tick labels stay apart, and its legend's lines clear of their labels, at every
//! size the page draws it: a phone's column, the guided reading's narrow middle column, a desktop
//! column, an embed; at one and two device pixels per CSS pixel.

use plotters_backend::text_anchor::{HPos, VPos};

use super::{Explorer, Panel, SamplerChoice};
use crate::api::ExplorerRequest;
use crate::draw::recording::RecordedText;
use crate::draw::style::WIDEST_EM_PER_CHAR;
use crate::draw::{LIGHT, Style, View, XAxis};
use crate::sim::sampler::Method;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// A panel's plot's width over height (style.css) at a width in CSS pixels, in the one-column
/// layout (phones, and windows up to 820 px) or the wide one. A tall plot narrower than 560 px
/// takes a phone's proportions in both (the schedule's taller still): its charts are stacked then.
fn aspect(panel: Panel, width: f64, one_column: bool) -> f64 {
    match panel {
        Panel::Scatter => 4.0 / 3.0,
        Panel::BestDimension | Panel::Spectrum if one_column => 16.0 / 9.0,
        Panel::BestDimension | Panel::Spectrum => 16.0 / 6.0,
        // The schedule's three stacked charts take a taller column than the seeds' two.
        Panel::Schedule if width < 560.0 => 3.0 / 5.0,
        Panel::Schedule | Panel::Seeds if one_column || width < 560.0 => 3.0 / 4.0,
        Panel::Schedule | Panel::Seeds => 16.0 / 11.0,
        _ if one_column => 4.0 / 3.0,
        _ => 16.0 / 9.0,
    }
}

/// Plot sizes in CSS pixels: one-column widths (a 320 px phone up to an 820 px window), wide
/// widths (a capped-grid column or the main column of an 821 px window, the guided reading's
/// middle column, a desktop column), and a filling embed in a 640 × 420 frame.
fn sizes(panel: Panel) -> Vec<(f64, f64)> {
    let one_column = [290.0, 343.0, 400.0, 790.0].map(|w| (w, w / aspect(panel, w, true)));
    let wide = [420.0, 558.0, 850.0, 1200.0].map(|w| (w, w / aspect(panel, w, false)));
    let mut sizes = [one_column, wide].concat();
    if matches!(panel, Panel::Curves | Panel::BestDimension | Panel::Scatter | Panel::Spectrum) {
        sizes.push((618.0, 300.0));
    }
    sizes
}

fn explorer() -> Explorer {
    let variances: Vec<f64> = (1..=9).map(|k| 2f64.powi(-k)).collect();
    let estimated: Vec<f64> = variances.iter().enumerate().map(|(k, v)| v * (0.8 + 0.05 * k as f64)).collect();
    let mut explorer = Explorer::new(ExplorerRequest {
        variances,
        estimated_variances: Some(estimated),
        final_time: None,
        points: Some(200),
        schedule: None,
        cap: 100.0,
        verdict_work: None,
    })
    .unwrap();
    explorer.set_sampler(SamplerChoice { method: Method::Exponential, steps: 40, overlay: true }).unwrap();
    explorer.study_seeds(200, 40).unwrap();
    while explorer.advance_seeds(40).unwrap() < 40 {}
    explorer
}

/// Labels stacked in one column (a y axis: anchored at one x, right and centred) that come closer
/// than their font's size; labels in one row (an x axis: anchored at one y, centred above) whose
/// boxes, at the widest font's width, come within 2 px.
fn crowded(texts: &[RecordedText]) -> Vec<String> {
    // Half a centred label's width in the widest engine's font, which the drawing lays out for.
    let half_width = |t: &RecordedText| WIDEST_EM_PER_CHAR / 2.0 * t.size * t.text.chars().count() as f64;
    let mut found = Vec::new();
    let upright: Vec<&RecordedText> = texts.iter().filter(|t| !t.turned && !t.text.is_empty()).collect();
    for a in &upright {
        for b in &upright {
            let (same_column, same_row) = (a.at.0 == b.at.0, a.at.1 == b.at.1);
            let column = same_column
                && matches!((a.anchor.h_pos, a.anchor.v_pos), (HPos::Right, VPos::Center))
                && matches!((b.anchor.h_pos, b.anchor.v_pos), (HPos::Right, VPos::Center))
                && a.at.1 < b.at.1
                && ((b.at.1 - a.at.1) as f64) < a.size.max(b.size);
            let row = same_row
                && matches!((a.anchor.h_pos, a.anchor.v_pos), (HPos::Center, VPos::Top))
                && matches!((b.anchor.h_pos, b.anchor.v_pos), (HPos::Center, VPos::Top))
                && a.at.0 < b.at.0
                && (b.at.0 - a.at.0) as f64 - half_width(a) - half_width(b) < 2.0;
            if column || row {
                found.push(format!("\"{}\" at {:?} and \"{}\" at {:?}", a.text, a.at, b.text, b.at));
            }
        }
    }
    found
}

/// The y axes with fewer than two labels (one number gives no scale). An axis is a run of labels,
/// in the order drawn, anchored right and centred at one x.
fn lone_labels(texts: &[RecordedText]) -> Vec<String> {
    let y_label = |t: &RecordedText| matches!((t.anchor.h_pos, t.anchor.v_pos), (HPos::Right, VPos::Center));
    let mut axes: Vec<(i32, Vec<&str>)> = Vec::new();
    let mut previous_was_y_label = false;
    for t in texts.iter().filter(|t| !t.turned && !t.text.is_empty()) {
        let is_y_label = y_label(t);
        if is_y_label {
            match axes.last_mut() {
                Some((x, labels)) if previous_was_y_label && *x == t.at.0 => labels.push(&t.text),
                _ => axes.push((t.at.0, vec![&t.text])),
            }
        }
        previous_was_y_label = is_y_label;
    }
    axes.into_iter()
        .filter(|(_, labels)| labels.len() < 2)
        .map(|(x, labels)| format!("only {labels:?} at x = {x}"))
        .collect()
}

/// Legend swatches (short horizontal strokes alone at their height: not a dash of a dashed line)
/// that end less than 4 CSS pixels before a label that starts beside them, at the label's height:
/// a line run into its own label's first letter.
fn swatches_into_labels(texts: &[RecordedText], strokes: &[(i32, i32, i32)], scale: f64) -> Vec<String> {
    let gap = 4.0 * scale;
    let alone = |y: i32| strokes.iter().filter(|s| s.0 == y).count() == 1;
    let mut found = Vec::new();
    let swatches = strokes.iter().filter(|&&(y, left, right)| f64::from(right - left) <= 30.0 * scale && alone(y));
    for &(y, left, right) in swatches {
        for t in texts.iter().filter(|t| !t.turned && matches!(t.anchor.h_pos, HPos::Left)) {
            let (text_left, top, _, bottom) = t.estimated_box();
            let beside = (top..=bottom).contains(&f64::from(y)) && text_left > f64::from(left);
            if beside && text_left < f64::from(right) + gap {
                found.push(format!("swatch {left}–{right} at y = {y} and \"{}\" from x = {text_left}", t.text));
            }
        }
    }
    found
}

#[test]
fn tick_labels_stay_apart_at_every_size() {
    let explorer = explorer();
    let mut problems = Vec::new();
    for scale in [1.0, 2.0] {
        let style = Style { theme: LIGHT, scale };
        for panel in Panel::ALL.into_iter().filter(|&p| p != Panel::Sampler) {
            for x_axis in [XAxis::Time, XAxis::LogSnr] {
                let view = View { x_axis, cursor: Some(1.2), ..View::default() };
                for (width, height) in sizes(panel) {
                    let size = ((width * scale) as u32, (height * scale) as u32);
                    let (recording, _) = explorer.record(panel, size, &view, &style).unwrap();
                    let texts = recording.texts();
                    assert!(texts.len() > 4, "{panel:?} at {size:?} draws its labels");
                    let swatches = swatches_into_labels(&texts, &recording.horizontal_strokes(), scale);
                    for crowd in crowded(&texts).into_iter().chain(lone_labels(&texts)).chain(swatches) {
                        problems.push(format!("{panel:?} {x_axis:?} at {width} × {height:.0}, ×{scale}: {crowd}"));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} crowded pairs or lone labels, such as\n{}",
        problems.len(),
        problems[..problems.len().min(40)].join("\n")
    );
}

#[test]
fn time_plots_say_where_their_legend_lies_for_the_cursor_line_to_keep_off() {
    let explorer = explorer();
    let legends = [
        (Panel::Curves, "best d (envelope)"),
        (Panel::CappedCurves, "best d (envelope)"),
        (Panel::BestDimension, "exact score"),
    ];
    for scale in [1.0, 2.0] {
        let style = Style { theme: LIGHT, scale };
        for (panel, label) in legends {
            // The sizes the page draws, and a short embed whose plot has no room for a legend.
            let mut boxed = 0;
            for (width, height) in sizes(panel).into_iter().chain([(618.0, 120.0)]) {
                let size = ((width * scale) as u32, (height * scale) as u32);
                let view = View { cursor: Some(1.2), ..View::default() };
                let (recording, frame) = explorer.record(panel, size, &view, &style).unwrap();
                let frame = frame.expect("a time plot");
                let named = recording.texts().into_iter().find(|text| text.text == label);
                match (named, frame.legend) {
                    (Some(text), Some([left, top, right, bottom])) => {
                        let (x, y) = text.at;
                        let inside = left < x && x < right && top < y && y < bottom;
                        assert!(inside, "{panel:?} at {size:?}: {label} at {:?} outside {:?}", text.at, frame.legend);
                        let within =
                            frame.left <= left && right <= frame.right && frame.top <= top && bottom <= frame.bottom;
                        assert!(within, "{panel:?} at {size:?}: the legend leaves the plot");
                        boxed += 1;
                    }
                    // Too short for its legend: no box either (and no other rectangle taken for one).
                    (None, None) => {}
                    (named, legend) => {
                        panic!("{panel:?} at {size:?}: label at {:?}, legend box {legend:?}", named.map(|t| t.at))
                    }
                }
                if height == 120.0 && panel != Panel::BestDimension {
                    assert_eq!(frame.legend, None, "{panel:?}: the short embed has no legend");
                }
            }
            assert!(boxed >= 3, "{panel:?} ×{scale}: {boxed} sizes with a legend");
        }
    }
}

#[test]
fn crowded_labels_are_found() {
    let label = |text: &str, h_pos, v_pos, at| RecordedText {
        text: text.into(),
        anchor: plotters_backend::text_anchor::Pos::new(h_pos, v_pos),
        at,
        size: 12.0,
        turned: false,
    };
    let column =
        [label("1.0", HPos::Right, VPos::Center, (40, 100)), label("0.9", HPos::Right, VPos::Center, (40, 110))];
    assert_eq!(crowded(&column).len(), 1);
    let apart =
        [label("1.0", HPos::Right, VPos::Center, (40, 100)), label("0.5", HPos::Right, VPos::Center, (40, 130))];
    assert!(crowded(&apart).is_empty());
    let row = [label("1000", HPos::Center, VPos::Top, (100, 300)), label("2000", HPos::Center, VPos::Top, (125, 300))];
    assert_eq!(crowded(&row).len(), 1);
    // A legend line from x = 10 to 28 at y = 56, its label from x = 30 (touching) or 40 (apart).
    let legend = |x| [label("exact score", HPos::Left, VPos::Top, (x, 50))];
    assert_eq!(swatches_into_labels(&legend(30), &[(56, 10, 28)], 1.0).len(), 1);
    assert!(swatches_into_labels(&legend(40), &[(56, 10, 28)], 1.0).is_empty());
    assert!(swatches_into_labels(&legend(30), &[(70, 10, 28)], 1.0).is_empty(), "another line's height");
}
