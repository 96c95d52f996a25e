//! The image module (`pkg/ldm_images.js`, feature `images`): image sets, their PCA autoencoder and
//! the latent sampler on the GPU (wgpu's WebGPU backend) or, where there is none, on the CPU. The
//! page runs it in a worker; this layer only converts between JS and `images`.

use std::cell::OnceCell;
use std::rc::Rc;

use js_sys::{Float32Array, Float64Array, Function, Promise};
use plotters::prelude::*;
use wasm_bindgen::prelude::*;

use super::{check_svg_size, drawing_error, error, parse, require_document, to_js};
use crate::api::images::{ImageCurvesRequest, ImageRunRequest, ImageSetInfo, RunSummaryAnswer};
use crate::api::limits::{ImageLimits, image_limits};
use crate::api::parse_theme;
use crate::draw::{Style, draw_image_curves_panel};
use crate::images::formats::read_image_set;
use crate::images::gpu::GpuSampler;
use crate::images::held_out::{self, HeldOut};
use crate::images::latent::{LatentPlan, LatentScore};
use crate::images::run::LatentRun;
use crate::images::set::{ImagePca, ImageSet};
use crate::input::limits::MAX_GRID;

/// An image set and its PCA, and the images held out of the fit, if any.
#[wasm_bindgen]
pub struct ImageLab {
    set: ImageSet,
    /// Fitted when first needed: a set that is only split (`holdOut`) never pays for the PCA of
    /// all its images (seconds at 784 pixels).
    pca: OnceCell<Rc<ImagePca>>,
    held_out: Option<HeldOut>,
}

impl ImageLab {
    fn new(set: ImageSet) -> ImageLab {
        ImageLab { set, pca: OnceCell::new(), held_out: None }
    }

    fn pca(&self) -> &Rc<ImagePca> {
        self.pca.get_or_init(|| Rc::new(ImagePca::fit(&self.set)))
    }
}

#[wasm_bindgen]
impl ImageLab {
    /// An image-set file: the explorer's `LDMIMG1` (the shipped sets) or IDX images, gzipped or
    /// not, with IDX labels as a second file if given.
    #[wasm_bindgen(js_name = fromFile)]
    pub fn from_file(bytes: &[u8], labels: Option<Vec<u8>>) -> Result<ImageLab, JsError> {
        Ok(ImageLab::new(read_image_set(bytes, labels.as_deref()).map_err(error)?))
    }

    /// How many images the lab trains on (all of them, or the training part of a split).
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> u32 {
        self.set.count() as u32
    }

    #[wasm_bindgen(getter)]
    pub fn width(&self) -> u32 {
        self.set.width as u32
    }

    #[wasm_bindgen(getter)]
    pub fn height(&self) -> u32 {
        self.set.height as u32
    }

    /// Images decoded by the browser: RGBA bytes of each, one after another.
    #[wasm_bindgen(js_name = fromImages)]
    pub fn from_images(widths: Vec<u32>, heights: Vec<u32>, rgba: &[u8]) -> Result<ImageLab, JsError> {
        if widths.len() != heights.len() {
            return Err(JsError::new("images: as many widths as heights are needed"));
        }
        let mut images = Vec::with_capacity(widths.len());
        let mut at = 0usize;
        for (&w, &h) in widths.iter().zip(&heights) {
            let bytes = (w as usize).saturating_mul(h as usize).saturating_mul(4);
            let end = at.checked_add(bytes).filter(|&end| end <= rgba.len());
            let end = end.ok_or_else(|| JsError::new("images: the RGBA bytes end before the last image"))?;
            images.push((w as usize, h as usize, &rgba[at..end]));
            at = end;
        }
        Ok(ImageLab::new(ImageSet::from_rgba_images(&images).map_err(error)?))
    }

    /// One sprite sheet cut into tiles.
    #[wasm_bindgen(js_name = fromSpriteSheet)]
    pub fn from_sprite_sheet(
        width: u32,
        height: u32,
        rgba: &[u8],
        tile_width: u32,
        tile_height: u32,
    ) -> Result<ImageLab, JsError> {
        let set = ImageSet::from_sprite_sheet(
            width as usize,
            height as usize,
            rgba,
            tile_width as usize,
            tile_height as usize,
        )
        .map_err(error)?;
        Ok(ImageLab::new(set))
    }

    /// The same images split (one fixed seeded order) into `nTrain` training images, which the
    /// PCA and the scores are fitted on, and the rest, which every distance is then measured
    /// against. Its `images(…)` are the training images.
    #[wasm_bindgen(js_name = holdOut)]
    pub fn hold_out(&self, n_train: u32) -> Result<ImageLab, JsError> {
        let (training, held) = held_out::split(&self.set, n_train as usize).map_err(error)?;
        let pca = ImagePca::fit(&training);
        let held_out = HeldOut::new(&pca, &held);
        Ok(ImageLab { set: training, pca: OnceCell::from(Rc::new(pca)), held_out: Some(held_out) })
    }

    #[wasm_bindgen(unchecked_return_type = "ImageSetInfo")]
    pub fn info(&self) -> Result<JsValue, JsError> {
        to_js(&ImageSetInfo::of(self.pca(), self.set.labels.as_deref(), self.held_out.as_ref().map_or(0, |h| h.count)))
    }

    /// Intensities of training images by index, one image after another.
    pub fn images(&self, indices: Vec<u32>) -> Result<Float32Array, JsError> {
        let count = self.set.count();
        let mut out = Vec::with_capacity(indices.len() * self.set.pixels());
        for i in indices {
            if i as usize >= count {
                return Err(JsError::new(&format!("indices: image {i} is past the last ({})", count - 1)));
            }
            out.extend_from_slice(self.set.image(i as usize));
        }
        Ok(Float32Array::from(&out[..]))
    }

    /// A validated run of the sampler on this set, not started.
    pub fn plan(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ImageRunRequest")] request: JsValue,
    ) -> Result<ImageRun, JsError> {
        let request = parse::<ImageRunRequest>(request, "plan")?.latent_request().map_err(error)?;
        let pca = self.pca();
        // Only the empirical score reads the training latents; a d past P is refused by the plan.
        let training = if request.score == LatentScore::Empirical {
            pca.training_latents(request.d.min(pca.pixels()))
        } else {
            Vec::new()
        };
        let plan = LatentPlan::new(&pca.variances, &training, request).map_err(error)?;
        Ok(ImageRun { run: LatentRun::new(plan), grid_pixels: None })
    }
}

/// A run of the sampler: filled by CPU chunks ([`ImageRun::run_cpu`]) or at once on the GPU
/// ([`run_on_gpu`]).
#[wasm_bindgen]
pub struct ImageRun {
    run: LatentRun,
    /// Decoded on the GPU, when it ran there: `[frame][grid sample][pixel]`.
    grid_pixels: Option<(usize, Vec<f32>)>,
}

#[wasm_bindgen]
impl ImageRun {
    /// Runs the next `count` samples on the CPU, rounded up to a multiple of 4 (the engine steps
    /// samples in blocks of four); returns how many samples are done.
    #[wasm_bindgen(js_name = runCpu)]
    pub fn run_cpu(&mut self, count: u32) -> u32 {
        self.run.run_cpu_chunk(count as usize) as u32
    }

    /// Runs samples `start..end` on the CPU; returns how many samples are done. Refuses samples
    /// already in.
    #[wasm_bindgen(js_name = runCpuRange)]
    pub fn run_cpu_range(&mut self, start: u32, end: u32) -> Result<u32, JsError> {
        self.run.run_cpu_range(start as usize..end as usize).map(|done| done as u32).map_err(error)
    }

    /// Takes samples from `start` on that a [`RangeRunner`] of this run computed in another
    /// worker; returns how many samples are done.
    #[wasm_bindgen(js_name = setSamples)]
    pub fn set_samples(&mut self, start: u32, latents: &[f32]) -> Result<u32, JsError> {
        self.run.set_samples(start as usize, latents).map(|done| done as u32).map_err(error)
    }

    /// What a [`RangeRunner`] needs besides the request to rebuild this run's plan:
    /// `{variances: Float64Array, training: Float32Array}`.
    #[wasm_bindgen(js_name = planInputs, unchecked_return_type = "{ variances: Float64Array; training: Float32Array }")]
    pub fn plan_inputs(&self) -> Result<js_sys::Object, JsError> {
        let inputs = js_sys::Object::new();
        let plan = &self.run.plan;
        let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&inputs, &key.into(), value);
        set("variances", &Float64Array::from(&plan.variances[..]))
            .and_then(|_| set("training", &Float32Array::from(&plan.training[..])))
            .map_err(|_| JsError::new("planInputs: could not build the object"))?;
        Ok(inputs)
    }

    #[wasm_bindgen(getter)]
    pub fn done(&self) -> u32 {
        self.run.done() as u32
    }

    #[wasm_bindgen(getter)]
    pub fn samples(&self) -> u32 {
        self.run.plan.request.samples as u32
    }

    /// Coordinate updates of the whole run (samples × steps × d).
    #[wasm_bindgen(getter)]
    pub fn updates(&self) -> f64 {
        self.run.plan.updates()
    }

    /// The first `grid` samples decoded at every frame (`[frame][sample][pixel]` intensities):
    /// the GPU's decoding when the run was on the GPU, else the CPU's.
    pub fn grid(&self, lab: &ImageLab, grid: u32) -> Result<Float32Array, JsError> {
        let grid = self.checked_grid(grid)?;
        if let Some((_, pixels)) = self.grid_pixels.as_ref().filter(|(decoded, _)| *decoded == grid) {
            return Ok(Float32Array::from(&pixels[..]));
        }
        let latents: Vec<f64> = self.run.grid_latents(grid).iter().map(|&v| f64::from(v)).collect();
        Ok(Float32Array::from(&lab.pca().decode(&latents, self.run.plan.d())[..]))
    }

    /// Recorded frames of the run.
    #[wasm_bindgen(getter)]
    pub fn frames(&self) -> u32 {
        self.run.plan.frames.len() as u32
    }

    /// Measures the next frame of a finished run against the lab's held-out images (if it has
    /// any); returns how many frames are measured. `summary` measures whatever is left, so calling
    /// this first only spreads the work (a second or so a frame at `d` in the hundreds).
    #[wasm_bindgen(js_name = measureFrame)]
    pub fn measure_frame(&mut self, lab: &ImageLab) -> Result<u32, JsError> {
        if !self.run.is_complete() {
            return Err(JsError::new("run: not finished"));
        }
        Ok(lab.held_out.as_ref().map_or(self.frames(), |held_out| self.run.measure_frame(held_out) as u32))
    }

    #[wasm_bindgen(unchecked_return_type = "RunSummary")]
    pub fn summary(&mut self, lab: &ImageLab, grid: u32) -> Result<JsValue, JsError> {
        if !self.run.is_complete() {
            return Err(JsError::new("run: not finished"));
        }
        let summary = self.run.summary(lab.pca(), self.checked_grid(grid)?, lab.held_out.as_ref());
        to_js(&RunSummaryAnswer::of(&summary))
    }

    fn checked_grid(&self, grid: u32) -> Result<usize, JsError> {
        let grid = grid as usize;
        if grid == 0 || grid > MAX_GRID {
            return Err(JsError::new(&format!("grid: must be from 1 to {MAX_GRID}, got {grid}")));
        }
        Ok(grid.min(self.run.plan.request.samples))
    }
}

/// A run's plan rebuilt in another worker from the request and [`ImageRun::plan_inputs`]: it
/// computes ranges of the run's samples, the same values bit for bit, for [`ImageRun::set_samples`].
#[wasm_bindgen]
pub struct RangeRunner(LatentPlan);

#[wasm_bindgen]
impl RangeRunner {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ImageRunRequest")] request: JsValue,
        variances: &[f64],
        training: Vec<f32>,
    ) -> Result<RangeRunner, JsError> {
        let request = parse::<ImageRunRequest>(request, "plan")?.latent_request().map_err(error)?;
        Ok(RangeRunner(LatentPlan::rebuilt(variances, training, request).map_err(error)?))
    }

    /// Samples `start..end` at every frame, `[frame][sample][coordinate]`.
    pub fn run(&self, start: u32, end: u32) -> Result<Float32Array, JsError> {
        let samples = start as usize..end as usize;
        self.0.check_samples(&samples).map_err(error)?;
        Ok(Float32Array::from(&self.0.run_cpu(samples)[..]))
    }
}

/// A WebGPU device with the sampler's pipelines.
#[wasm_bindgen]
pub struct GpuEngine(Rc<GpuSampler>);

#[wasm_bindgen]
impl GpuEngine {
    /// Resolves to an engine, or rejects with why there is none (no `navigator.gpu`, or no adapter).
    pub async fn create() -> Result<GpuEngine, JsError> {
        // wgpu expects a window or a worker with `navigator.gpu`; elsewhere (Node, say) it would trap.
        let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into()).unwrap_or(JsValue::UNDEFINED);
        let gpu = if navigator.is_object() {
            js_sys::Reflect::get(&navigator, &"gpu".into()).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        };
        if !gpu.is_object() {
            return Err(JsError::new("gpu: this environment has no WebGPU (navigator.gpu is missing)"));
        }
        GpuSampler::new()
            .await
            .map(|sampler| GpuEngine(Rc::new(sampler)))
            .map_err(|e| JsError::new(&format!("gpu: {e}")))
    }

    /// The adapter's name, backend and kind.
    #[wasm_bindgen(getter)]
    pub fn adapter(&self) -> String {
        self.0.adapter_description()
    }

    /// Whether the adapter is a software rasteriser (SwiftShader behind Chromium's flags).
    #[wasm_bindgen(getter)]
    pub fn software(&self) -> bool {
        self.0.is_software()
    }
}

/// Runs all of `run`'s samples on the GPU, decodes its first `grid` samples there, and resolves to
/// the run (the argument is consumed). `onProgress(framesDone, frames)` is called after each frame.
#[wasm_bindgen(js_name = runOnGpu, unchecked_return_type = "Promise<ImageRun>")]
pub fn run_on_gpu(engine: &GpuEngine, lab: &ImageLab, run: ImageRun, grid: u32, on_progress: Function) -> Promise {
    let (sampler, pca) = (engine.0.clone(), lab.pca().clone());
    wasm_bindgen_futures::future_to_promise(async move {
        let mut run = run;
        let grid = run.checked_grid(grid)?;
        let progress = |done: usize, total: usize| {
            let _ = on_progress.call2(&JsValue::NULL, &(done as u32).into(), &(total as u32).into());
        };
        let latents = sampler.run(&run.run.plan, progress).await.map_err(|e| JsError::new(&format!("gpu: {e}")))?;
        run.run.set_all(latents);
        let pixels = sampler
            .decode(&pca, &run.run.grid_latents(grid), run.run.plan.d())
            .await
            .map_err(|e| JsError::new(&format!("gpu: {e}")))?;
        run.grid_pixels = Some((grid, pixels));
        Ok(JsValue::from(run))
    })
}

/// The image panel's curves as SVG text: the runs' summaries' `lawT/lawFd2` lines and
/// `t/empiricalFd2` dots for each `d`.
#[wasm_bindgen(js_name = imageCurvesSvg)]
pub fn image_curves_svg(
    #[wasm_bindgen(unchecked_param_type = "ImageCurvesRequest")] request: JsValue,
) -> Result<String, JsError> {
    require_document()?;
    let request: ImageCurvesRequest = parse(request, "imageCurvesSvg")?;
    check_svg_size(request.width, request.height)?;
    let theme = parse_theme(request.theme.as_deref()).map_err(error)?;
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (request.width, request.height)).into_drawing_area();
        let y_label = request.y_label.as_deref().unwrap_or("pixel dF² (log scale)");
        let style = Style { theme, scale: 1.0 };
        draw_image_curves_panel(&area, (&request.title, y_label), &request.curves(), request.cursor, &style)
            .map_err(drawing_error)?;
    }
    Ok(svg)
}

/// The limits of image sets and runs, for the page's messages.
#[wasm_bindgen(js_name = imageLimits, unchecked_return_type = "ImageLimits")]
pub fn image_limits_js() -> Result<JsValue, JsError> {
    to_js::<ImageLimits>(&image_limits())
}
