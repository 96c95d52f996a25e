//! A plotters backend that records what is drawn, to replay it on another backend.
//!
//! Every chart is drawn once, onto a recording, and the recording is replayed onto the page's canvas
//! or into SVG. The chart code is then compiled for one backend instead of two, which keeps the wasm
//! module about a third smaller, and the canvas and the SVG export are the same drawing by
//! construction, but for one thing: on a canvas a run of strokes of one paint is one path, so where
//! two translucent strokes of a run overlap they are not darkened twice (`replay_batching`).

use std::cell::RefCell;
use std::rc::Rc;

use plotters::style::{FontDesc, FontFamily, FontStyle, FontTransform, TextStyle};
use plotters_backend::text_anchor::Pos;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind};

/// A stroke or fill: what plotters' shape styles reduce to at the backend.
#[derive(Clone, Copy)]
struct Paint {
    color: BackendColor,
    width: u32,
}

impl BackendStyle for Paint {
    fn color(&self) -> BackendColor {
        self.color
    }
    fn stroke_width(&self) -> u32 {
        self.width
    }
}

impl Paint {
    fn of<S: BackendStyle>(style: &S) -> Paint {
        Paint { color: style.color(), width: style.stroke_width() }
    }

    fn same_as(&self, other: &Paint) -> bool {
        self.width == other.width && self.color.rgb == other.color.rgb && self.color.alpha == other.color.alpha
    }
}

/// A text's font and placement, owned.
#[derive(Clone)]
struct Font {
    family: String,
    size: f64,
    style: FontStyle,
    transform: FontTransform,
    color: BackendColor,
    anchor: Pos,
}

#[derive(Clone)]
enum Operation {
    Pixel(BackendCoord, BackendColor),
    Line([BackendCoord; 2], Paint),
    Rectangle(BackendCoord, BackendCoord, Paint, bool),
    Path(Vec<BackendCoord>, Paint),
    Circle(BackendCoord, u32, Paint, bool),
    Polygon(Vec<BackendCoord>, Paint),
    Text(String, Font, BackendCoord),
}

/// The drawing of one chart at one size. Clones share the operations: hand one to plotters
/// (`recording.clone().into_drawing_area()`), keep the other to replay.
#[derive(Clone)]
pub struct Recording {
    size: (u32, u32),
    operations: Rc<RefCell<Vec<Operation>>>,
}

impl Recording {
    pub fn new(size: (u32, u32)) -> Recording {
        Recording { size, operations: Rc::default() }
    }

    /// The box of the last legend drawn: plotters draws a legend as a filled rectangle and, at
    /// once, its border on the same corners (no other element of the charts does).
    pub fn legend_box(&self) -> Option<(BackendCoord, BackendCoord)> {
        let operations = self.operations.borrow();
        operations.windows(2).rev().find_map(|pair| match pair {
            [Operation::Rectangle(a, b, _, true), Operation::Rectangle(c, d, _, false)] if (a, b) == (c, d) => {
                Some((*a, *b))
            }
            _ => None,
        })
    }

    fn push(&self, operation: Operation) -> Result<(), DrawingErrorKind<std::convert::Infallible>> {
        self.operations.borrow_mut().push(operation);
        Ok(())
    }

    /// Draws everything recorded onto `backend`, in order, one stroke at a time.
    pub fn replay<DB: DrawingBackend>(&self, backend: &mut DB) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        backend.ensure_prepared()?;
        for operation in self.operations.borrow().iter() {
            Self::replay_one(backend, operation)?;
        }
        backend.present()
    }

    /// Draws everything recorded onto `backend`, in order, except that each run of consecutive
    /// strokes of one colour and width goes to `stroke` at once. A canvas strokes such a run as one
    /// path: a dashed line or a chart's mesh is then one stroke instead of hundreds, which is what
    /// a first drawing on a slow phone spends its time on. (Translucent pieces of one run that
    /// overlap are then painted once, not twice.)
    pub fn replay_batching<DB: DrawingBackend>(
        &self,
        backend: &mut DB,
        mut stroke: impl FnMut(&mut DB, &StrokeRun) -> Result<(), DrawingErrorKind<DB::ErrorType>>,
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        backend.ensure_prepared()?;
        let operations = self.operations.borrow();
        let mut run: Option<StrokeRun> = None;
        for operation in operations.iter() {
            let (piece, paint) = match operation {
                Operation::Line(points, paint) => (Piece::Line(*points), *paint),
                Operation::Path(points, paint) => (Piece::Path(points), *paint),
                _ => {
                    if let Some(run) = run.take() {
                        stroke(backend, &run)?;
                    }
                    Self::replay_one(backend, operation)?;
                    continue;
                }
            };
            match &mut run {
                Some(current) if current.paint.same_as(&paint) => current.pieces.push(piece),
                _ => {
                    if let Some(run) = run.replace(StrokeRun { paint, pieces: vec![piece] }) {
                        stroke(backend, &run)?;
                    }
                }
            }
        }
        if let Some(run) = run {
            stroke(backend, &run)?;
        }
        backend.present()
    }

    fn replay_one<DB: DrawingBackend>(
        backend: &mut DB,
        operation: &Operation,
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        match operation {
            Operation::Pixel(point, color) => backend.draw_pixel(*point, *color)?,
            Operation::Line([from, to], paint) => backend.draw_line(*from, *to, paint)?,
            Operation::Rectangle(corner, opposite, paint, fill) => {
                backend.draw_rect(*corner, *opposite, paint, *fill)?
            }
            Operation::Path(points, paint) => backend.draw_path(points.iter().copied(), paint)?,
            Operation::Circle(center, radius, paint, fill) => backend.draw_circle(*center, *radius, paint, *fill)?,
            Operation::Polygon(points, paint) => backend.fill_polygon(points.iter().copied(), paint)?,
            Operation::Text(text, font, position) => {
                let style = TextStyle {
                    font: FontDesc::new(FontFamily::Name(&font.family), font.size, font.style)
                        .transform(font.transform.clone()),
                    color: font.color,
                    pos: font.anchor,
                };
                backend.draw_text(text, &style, *position)?
            }
        }
        Ok(())
    }
}

/// One stroke of a run: a straight line (plotters' `draw_line`) or a polyline (`draw_path`).
pub enum Piece<'a> {
    Line([BackendCoord; 2]),
    Path(&'a [BackendCoord]),
}

/// Consecutive strokes of one colour and width, in the order they were drawn.
pub struct StrokeRun<'a> {
    paint: Paint,
    pub pieces: Vec<Piece<'a>>,
}

impl StrokeRun<'_> {
    pub fn color(&self) -> BackendColor {
        self.paint.color
    }
    pub fn width(&self) -> u32 {
        self.paint.width
    }
}

/// A text as drawn: where it is anchored, how, and its font's size in pixels; `turned` when it is
/// rotated (an axis description).
#[cfg(test)]
pub struct RecordedText {
    pub text: String,
    pub anchor: Pos,
    pub at: BackendCoord,
    pub size: f64,
    pub turned: bool,
}

#[cfg(test)]
impl RecordedText {
    /// Its box as (left, top, right, bottom), estimated at 0.55 em a character (a sans-serif
    /// digit's width; nothing is measured here), one em tall.
    pub fn estimated_box(&self) -> (f64, f64, f64, f64) {
        use plotters_backend::text_anchor::{HPos, VPos};
        let (width, height) = (0.55 * self.size * self.text.chars().count() as f64, self.size);
        let (x, y) = (self.at.0 as f64, self.at.1 as f64);
        let left = match self.anchor.h_pos {
            HPos::Left => x,
            HPos::Center => x - width / 2.0,
            HPos::Right => x - width,
        };
        let top = match self.anchor.v_pos {
            VPos::Top => y,
            VPos::Center => y - height / 2.0,
            VPos::Bottom => y - height,
        };
        (left, top, left + width, top + height)
    }
}

/// What tests read back from a recording.
#[cfg(test)]
impl Recording {
    /// Each text, in the order drawn.
    pub fn texts(&self) -> Vec<RecordedText> {
        let operations = self.operations.borrow();
        let texts = operations.iter().filter_map(|operation| match operation {
            Operation::Text(text, font, position) => Some(RecordedText {
                text: text.clone(),
                anchor: font.anchor,
                at: *position,
                size: font.size,
                turned: !matches!(font.transform, FontTransform::None),
            }),
            _ => None,
        });
        texts.collect()
    }

    /// Each filled rectangle: its corners and its colour.
    pub fn filled_rectangles(&self) -> Vec<(BackendCoord, BackendCoord, (u8, u8, u8))> {
        let operations = self.operations.borrow();
        let rectangles = operations.iter().filter_map(|operation| match operation {
            Operation::Rectangle(a, b, paint, true) => Some((*a, *b, paint.color.rgb)),
            _ => None,
        });
        rectangles.collect()
    }

    /// Each circle: its centre, its radius and whether it is filled.
    pub fn circles(&self) -> Vec<(BackendCoord, u32, bool)> {
        let operations = self.operations.borrow();
        let circles = operations.iter().filter_map(|operation| match operation {
            Operation::Circle(centre, radius, _, filled) => Some((*centre, *radius, *filled)),
            _ => None,
        });
        circles.collect()
    }

    /// Each path's points (a line series is one).
    #[cfg(test)]
    pub fn paths(&self) -> Vec<Vec<BackendCoord>> {
        let operations = self.operations.borrow();
        let paths = operations.iter().filter_map(|operation| match operation {
            Operation::Path(points, _) => Some(points.clone()),
            _ => None,
        });
        paths.collect()
    }

    /// Each stroke (a line, or a path) that stays at one height: its height and its extent.
    pub fn horizontal_strokes(&self) -> Vec<(i32, i32, i32)> {
        let operations = self.operations.borrow();
        let strokes = operations.iter().filter_map(|operation| match operation {
            Operation::Line(points, _) => Some(&points[..]),
            Operation::Path(points, _) => Some(&points[..]),
            _ => None,
        });
        strokes
            .filter(|points| points.len() > 1 && points.iter().all(|p| p.1 == points[0].1))
            .map(|points| {
                let xs = points.iter().map(|p| p.0);
                (points[0].1, xs.clone().min().unwrap(), xs.max().unwrap())
            })
            .collect()
    }
}

impl DrawingBackend for Recording {
    type ErrorType = std::convert::Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.push(Operation::Pixel(point, color))
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.push(Operation::Line([from, to], Paint::of(style)))
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.push(Operation::Rectangle(upper_left, bottom_right, Paint::of(style), fill))
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.push(Operation::Path(path.into_iter().collect(), Paint::of(style)))
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.push(Operation::Circle(center, radius, Paint::of(style), fill))
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.push(Operation::Polygon(vertices.into_iter().collect(), Paint::of(style)))
    }
    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        position: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let font = Font {
            family: style.family().as_str().to_string(),
            size: style.size(),
            style: style.style(),
            transform: style.transform(),
            color: style.color(),
            anchor: style.anchor(),
        };
        self.push(Operation::Text(text.to_string(), font, position))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw::{LIGHT, Style, View, XAxis, draw_curves_panel};
    use crate::theory::diagonal::CurvesAnswer;
    use crate::theory::diagonal::DiagonalProblem;
    use crate::theory::schedule::Schedule;
    use plotters::prelude::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_replayed_recording_draws_the_chart_into_svg() {
        let problem =
            DiagonalProblem::new(vec![1.0, 0.36, 0.05], Some(vec![0.9, 0.4, 0.02]), Schedule::OrnsteinUhlenbeck, 2.0)
                .unwrap();
        let answer = CurvesAnswer::compute(problem, 50);
        let recording = Recording::new((640, 400));
        let view = View { x_axis: XAxis::Time, emphasis: Some(2), cursor: Some(1.0), ..View::default() };
        let frame = draw_curves_panel(
            &recording.clone().into_drawing_area(),
            &answer,
            &view,
            None,
            &Style { theme: LIGHT, scale: 1.0 },
        )
        .unwrap();
        assert!(frame.left < frame.right && frame.top < frame.bottom && frame.x_max == 2.0);
        let mut svg = String::new();
        recording.replay(&mut SVGBackend::with_string(&mut svg, (640, 400))).unwrap();
        assert!(svg.starts_with("<svg"));
        // Three curves, the envelope, the cursor; the title and the legend as text.
        assert!(svg.matches("<polyline").count() >= 5, "{} polylines", svg.matches("<polyline").count());
        assert!(svg.contains("plug-in score") && svg.contains("d = 2 (selected)"));
        // Replaying twice gives the same drawing.
        let mut again = String::new();
        recording.replay(&mut SVGBackend::with_string(&mut again, (640, 400))).unwrap();
        assert_eq!(svg, again);
    }

    #[test]
    fn runs_of_strokes_keep_every_stroke_in_order_and_are_few() {
        // Two dimensions' stops and switch times: dashed markers, hundreds of short strokes.
        let problem =
            DiagonalProblem::new(vec![1.0, 0.36, 0.05], Some(vec![0.9, 0.4, 0.02]), Schedule::OrnsteinUhlenbeck, 2.0)
                .unwrap();
        let answer = CurvesAnswer::compute(problem, 200);
        let (size, style) = ((900, 600), Style { theme: LIGHT, scale: 2.0 });
        let recording = Recording::new(size);
        draw_curves_panel(&recording.clone().into_drawing_area(), &answer, &View::default(), None, &style).unwrap();
        let strokes = recording
            .operations
            .borrow()
            .iter()
            .filter(|op| matches!(op, Operation::Line(..) | Operation::Path(..)))
            .count();

        // Each run stroked one piece at a time onto a second recording: the same drawing results,
        // so runs lose, add and reorder nothing.
        let copy = Recording::new(size);
        let (mut runs, mut pieces) = (0, 0);
        recording
            .replay_batching(&mut copy.clone(), |backend, run| {
                runs += 1;
                pieces += run.pieces.len();
                let paint = Paint { color: run.color(), width: run.width() };
                for piece in &run.pieces {
                    match piece {
                        Piece::Line([from, to]) => backend.draw_line(*from, *to, &paint)?,
                        Piece::Path(points) => backend.draw_path(points.iter().copied(), &paint)?,
                    }
                }
                Ok(())
            })
            .unwrap();
        let svg = |recording: &Recording| {
            let mut svg = String::new();
            recording.replay(&mut SVGBackend::with_string(&mut svg, size)).unwrap();
            svg
        };
        assert_eq!(svg(&recording), svg(&copy));
        assert_eq!(pieces, strokes);
        assert!(strokes > 200 && runs * 5 < strokes, "{strokes} strokes in {runs} runs");
    }
}
