//! The GPU engine of the latent sampler: the plan of [`crate::images::latent`] run by WGSL compute
//! shaders through wgpu: WebGPU in the browser, Vulkan/Metal/DX12 natively. It computes what
//! [`LatentPlan::run_cpu`] computes, with the same Philox noise; only the rounding differs: the
//! device's `log`, `cos`, `sin` and `exp`, and the order of the sums (the CPU also zeroes the
//! empirical score's weights below e^−87). The empirical score is two matrix products a step, as on
//! the CPU: logits from dot products with the training latents, then their weighted mean.

use wgpu::util::DeviceExt;

use crate::images::latent::{LatentPlan, LatentScore};
use crate::images::set::ImagePca;
use crate::numeric::philox::key;

const PHILOX: &str = include_str!("philox.wgsl");
const PARAMS: &str = include_str!("params.wgsl");
const WORKGROUP: u32 = 64;
/// Most workgroups along one dispatch dimension (WebGPU's guaranteed limit).
const MAX_GROUPS_PER_DIMENSION: u32 = 65_535;
/// Work put in one submission, in coordinate updates (Gaussian) or point-coordinate products
/// (empirical): small enough that no submission runs for seconds, which browsers treat as a hang.
const GAUSSIAN_UPDATES_PER_SUBMISSION: f64 = 2.0e8;
const EMPIRICAL_PRODUCTS_PER_SUBMISSION: f64 = 1.0e9;

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct Params {
    samples: u32,
    d: u32,
    step_begin: u32,
    step_end: u32,
    key: [u32; 2],
    training: u32,
    first_sample: u32,
    block_rows: u32,
    splits: u32,
    split_points: u32,
    _pad: u32,
}

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct DecodeParams {
    rows: u32,
    d: u32,
    pixels: u32,
    _pad: u32,
}

/// A device with the sampler's pipelines.
pub struct GpuSampler {
    device: wgpu::Device,
    queue: wgpu::Queue,
    info: wgpu::AdapterInfo,
    start: wgpu::ComputePipeline,
    gaussian: wgpu::ComputePipeline,
    empirical: EmpiricalPipelines,
    decode: wgpu::ComputePipeline,
    /// The most samples one empirical pass takes: its logits buffer holds `rows × training` values.
    block_rows: Option<u32>,
}

/// The five passes of an empirical step (empirical.wgsl).
struct EmpiricalPipelines {
    logits: wgpu::ComputePipeline,
    softmax: wgpu::ComputePipeline,
    means: wgpu::ComputePipeline,
    update: wgpu::ComputePipeline,
    advance: wgpu::ComputePipeline,
}

/// The rows and columns of a tile of the empirical kernels' matrix products.
const PRODUCT_TILE: u32 = 64;
/// The inner dimension's slice that the empirical kernels' matrix products take at a time.
const PRODUCT_INNER: u32 = 16;
/// Workgroups the means product aims for: a small result splits its sum over the training points
/// into runs that enough workgroups share (each run's sums are added by the update pass).
const MEANS_WORKGROUPS: u32 = 1024;
/// Storage buffers the empirical logits and update passes bind at once (WebGPU guarantees 8).
const EMPIRICAL_STORAGE_BUFFERS: u32 = 5;

impl GpuSampler {
    /// The first adapter wgpu offers, or why there is none. In a browser without WebGPU (or whose
    /// `requestAdapter()` answers null) this is an `Err`, and the caller falls back to the CPU.
    pub async fn new() -> Result<GpuSampler, String> {
        let instance = wgpu::util::new_instance_with_webgpu_detection(
            wgpu::InstanceDescriptor::new_without_display_handle_from_env(),
        )
        .await;
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                force_fallback_adapter: false,
                compatible_surface: None,
                ..Default::default()
            })
            .await
            .map_err(|error| format!("no GPU adapter: {error}"))?;
        let available = adapter.limits();
        if available.max_storage_buffers_per_shader_stage < EMPIRICAL_STORAGE_BUFFERS {
            return Err(format!(
                "the adapter binds {} storage buffers a shader stage, the sampler needs {EMPIRICAL_STORAGE_BUFFERS}",
                available.max_storage_buffers_per_shader_stage
            ));
        }
        let limits = wgpu::Limits {
            max_storage_buffer_binding_size: available.max_storage_buffer_binding_size,
            max_buffer_size: available.max_buffer_size,
            max_storage_buffers_per_shader_stage: EMPIRICAL_STORAGE_BUFFERS,
            ..wgpu::Limits::downlevel_defaults()
        };
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("ldm-explorer"),
                required_limits: limits,
                ..Default::default()
            })
            .await
            .map_err(|error| format!("the adapter gave no device: {error}"))?;
        let module = |name: &str, source: &str| {
            device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(name),
                source: wgpu::ShaderSource::Wgsl(format!("{PHILOX}\n{source}").into()),
            })
        };
        let gaussian_module = module("gaussian", &format!("{PARAMS}\n{}", include_str!("gaussian.wgsl")));
        let empirical_module = module("empirical", &format!("{PARAMS}\n{}", include_str!("empirical.wgsl")));
        let decode_module = module("decode", include_str!("decode.wgsl"));
        let pipeline = |module: &wgpu::ShaderModule, entry: &str| {
            device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(entry),
                layout: None,
                module,
                entry_point: Some(entry),
                compilation_options: Default::default(),
                cache: None,
            })
        };
        Ok(GpuSampler {
            start: pipeline(&gaussian_module, "start"),
            gaussian: pipeline(&gaussian_module, "gaussian_steps"),
            empirical: EmpiricalPipelines {
                logits: pipeline(&empirical_module, "empirical_logits"),
                softmax: pipeline(&empirical_module, "empirical_softmax"),
                means: pipeline(&empirical_module, "empirical_means"),
                update: pipeline(&empirical_module, "empirical_update"),
                advance: pipeline(&empirical_module, "empirical_advance"),
            },
            decode: pipeline(&decode_module, "decode"),
            info: adapter.get_info(),
            block_rows: None,
            device,
            queue,
        })
    }

    /// Whether the adapter is a rasteriser on the CPU (lavapipe, SwiftShader): there the empirical
    /// kernel runs slower than the CPU engine.
    pub fn is_software(&self) -> bool {
        self.info.device_type == wgpu::DeviceType::Cpu
    }

    /// What ran: the adapter's name, backend and kind, as the page shows it.
    pub fn adapter_description(&self) -> String {
        let info = &self.info;
        let name = if info.name.is_empty() { "unnamed adapter" } else { &info.name };
        format!("{name} ({:?}, {:?})", info.backend, info.device_type)
    }

    fn storage(&self, label: &str, contents: &[u8]) -> wgpu::Buffer {
        self.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
        })
    }

    fn uniform<T: bytemuck::Pod>(&self, value: &T) -> wgpu::Buffer {
        self.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("params"),
            contents: bytemuck::bytes_of(value),
            usage: wgpu::BufferUsages::UNIFORM,
        })
    }

    /// A bind group of `(binding, buffer)` pairs for group 0 of `pipeline`.
    fn bind(&self, pipeline: &wgpu::ComputePipeline, buffers: &[(u32, &wgpu::Buffer)]) -> wgpu::BindGroup {
        let entries: Vec<wgpu::BindGroupEntry> = buffers
            .iter()
            .map(|&(binding, buffer)| wgpu::BindGroupEntry { binding, resource: buffer.as_entire_binding() })
            .collect();
        self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &pipeline.get_bind_group_layout(0),
            entries: &entries,
        })
    }

    /// Caps the samples that one pass of an empirical step takes (by default as many as the
    /// device's largest storage binding holds logits for). The samples do not depend on it.
    pub fn with_block_rows(mut self, rows: u32) -> GpuSampler {
        self.block_rows = Some(rows.max(1));
        self
    }

    /// Runs the plan's whole batch of samples; `progress(frames done, frames)` after each recorded
    /// frame. Returns the frames as [`LatentPlan::run_cpu`] does: `[frame][sample][coordinate]`.
    pub async fn run(&self, plan: &LatentPlan, mut progress: impl FnMut(usize, usize)) -> Result<Vec<f32>, String> {
        let request = &plan.request;
        let (samples, d) = (request.samples as u32, plan.d() as u32);
        let state_bytes = u64::from(samples) * u64::from(d) * 4;
        let state = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("state"),
            size: state_bytes,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let start_sd = self.storage("start sd", bytemuck::cast_slice(&plan.start_sd));
        let params = Params {
            samples,
            d,
            step_begin: 0,
            step_end: 0,
            key: key(request.seed),
            training: 0,
            first_sample: 0,
            block_rows: 0,
            splits: 0,
            split_points: 0,
            _pad: 0,
        };
        let blocks = samples * d.div_ceil(4);
        let (steps, work_per_step, work_per_submission) = match request.score {
            LatentScore::Gaussian => (
                RunSteps::Gaussian(self.storage("coefficients", bytemuck::cast_slice(&plan.gaussian))),
                f64::from(samples) * f64::from(d),
                GAUSSIAN_UPDATES_PER_SUBMISSION,
            ),
            LatentScore::Empirical => (
                RunSteps::Empirical(self.empirical_run(plan, &state, params)),
                f64::from(samples) * f64::from(d) * plan.training_count() as f64,
                EMPIRICAL_PRODUCTS_PER_SUBMISSION,
            ),
        };
        let steps_per_submission = ((work_per_submission / work_per_step).floor() as usize).max(1);

        let start_params = self.uniform(&params);
        let start_group = self.bind(&self.start, &[(0, &start_params), (1, &state), (2, &start_sd)]);
        let mut encoder = self.device.create_command_encoder(&Default::default());
        dispatch(&mut encoder, &self.start, &start_group, blocks.div_ceil(WORKGROUP));
        self.queue.submit([encoder.finish()]);

        let frames = plan.frames.len();
        let mut out = Vec::with_capacity(frames * state_bytes as usize / 4);
        let mut done = 0;
        for (f, &frame) in plan.frames.iter().enumerate() {
            let mut encoder = self.device.create_command_encoder(&Default::default());
            let mut begin = done;
            while begin < frame {
                let end = (begin + steps_per_submission).min(frame);
                match &steps {
                    RunSteps::Gaussian(coefficients) => {
                        let uniform =
                            self.uniform(&Params { step_begin: begin as u32, step_end: end as u32, ..params });
                        let group = self.bind(&self.gaussian, &[(0, &uniform), (1, &state), (3, coefficients)]);
                        dispatch(&mut encoder, &self.gaussian, &group, blocks.div_ceil(WORKGROUP));
                    }
                    RunSteps::Empirical(run) => self.record_empirical(&mut encoder, run, end - begin),
                }
                begin = end;
                if begin < frame {
                    self.queue.submit([encoder.finish()]);
                    encoder = self.device.create_command_encoder(&Default::default());
                }
            }
            done = frame;
            out.extend(self.read_back(encoder, &state, state_bytes).await?);
            progress(f + 1, frames);
        }
        Ok(out)
    }

    /// The buffers and bind groups of an empirical run: the samples go through each step's passes
    /// in blocks of at most `block_rows`, one logits buffer serving every block in turn.
    fn empirical_run(&self, plan: &LatentPlan, state: &wgpu::Buffer, params: Params) -> EmpiricalRun {
        let (d, training) = (plan.d(), plan.training_count());
        let samples = params.samples;
        let table: Vec<[f32; 8]> =
            plan.empirical.iter().map(|s| [s.keep, s.pull, s.noise, s.b, s.inverse_two_a2, 0.0, 0.0, 0.0]).collect();
        let points = || plan.training.chunks_exact(d);
        let norms = points().map(|z| z.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() as f32);
        let by_coordinate: Vec<f32> = (0..d).flat_map(|k| points().map(move |z| z[k])).chain(norms).collect();
        let limits = self.device.limits();
        let largest_binding = limits.max_storage_buffer_binding_size.min(limits.max_buffer_size);
        let fitting = largest_binding / (4 * (training as u64 + 1));
        let block_rows = self
            .block_rows
            .unwrap_or(u32::try_from(fitting).unwrap_or(u32::MAX))
            .clamp(1, samples.clamp(1, MAX_GROUPS_PER_DIMENSION));
        // The split of the points depends on the run, not the block, so that blocks do not change the sums.
        let output_tiles = samples.div_ceil(PRODUCT_TILE) * (d as u32).div_ceil(PRODUCT_TILE);
        let most_splits = (training as u32).div_ceil(PRODUCT_INNER);
        let fitting_splits = largest_binding / (4 * u64::from(block_rows) * d as u64);
        let splits = MEANS_WORKGROUPS
            .div_ceil(output_tiles)
            .min(most_splits)
            .min(fitting_splits.try_into().unwrap_or(u32::MAX))
            .max(1);
        let split_points = (training as u32).div_ceil(splits).next_multiple_of(PRODUCT_INNER);
        let splits = (training as u32).div_ceil(split_points);
        let partial_means = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("partial means"),
            size: 4 * u64::from(splits) * u64::from(block_rows) * d as u64,
            usage: wgpu::BufferUsages::STORAGE,
            mapped_at_creation: false,
        });
        let steps = self.storage("steps", bytemuck::cast_slice(&table));
        let training_buffer = self.storage("training", bytemuck::cast_slice(&plan.training));
        let by_coordinate = self.storage("training by coordinate", bytemuck::cast_slice(&by_coordinate));
        let logits = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("logits"),
            size: 4 * u64::from(block_rows) * (training as u64 + 1),
            usage: wgpu::BufferUsages::STORAGE,
            mapped_at_creation: false,
        });
        let clock = self.storage("clock", bytemuck::bytes_of(&0u32));
        let pipelines = &self.empirical;
        let blocks = (0..samples)
            .step_by(block_rows as usize)
            .map(|first_sample| {
                let rows = block_rows.min(samples - first_sample);
                let uniform = self.uniform(&Params {
                    training: training as u32,
                    first_sample,
                    block_rows,
                    splits,
                    split_points,
                    ..params
                });
                EmpiricalBlock {
                    logits: self.bind(
                        &pipelines.logits,
                        &[(0, &uniform), (1, state), (2, &steps), (4, &by_coordinate), (5, &logits), (6, &clock)],
                    ),
                    softmax: self.bind(&pipelines.softmax, &[(0, &uniform), (5, &logits)]),
                    means: self.bind(
                        &pipelines.means,
                        &[(0, &uniform), (3, &training_buffer), (5, &logits), (7, &partial_means)],
                    ),
                    update: self.bind(
                        &pipelines.update,
                        &[(0, &uniform), (1, state), (2, &steps), (5, &logits), (6, &clock), (7, &partial_means)],
                    ),
                    rows,
                }
            })
            .collect();
        EmpiricalRun {
            advance: self.bind(&pipelines.advance, &[(6, &clock)]),
            blocks,
            point_tiles: (training as u32).div_ceil(PRODUCT_TILE),
            coordinate_tiles: (d as u32).div_ceil(PRODUCT_TILE),
            splits,
            quads: (d as u32).div_ceil(4),
        }
    }

    /// Records `steps` empirical steps, each its passes over every block and then the clock's advance.
    fn record_empirical(&self, encoder: &mut wgpu::CommandEncoder, run: &EmpiricalRun, steps: usize) {
        let pipelines = &self.empirical;
        let mut pass = encoder.begin_compute_pass(&Default::default());
        for _ in 0..steps {
            for block in &run.blocks {
                let row_tiles = block.rows.div_ceil(PRODUCT_TILE);
                pass.set_pipeline(&pipelines.logits);
                pass.set_bind_group(0, &block.logits, &[]);
                pass.dispatch_workgroups(run.point_tiles, row_tiles, 1);
                pass.set_pipeline(&pipelines.softmax);
                pass.set_bind_group(0, &block.softmax, &[]);
                pass.dispatch_workgroups(block.rows, 1, 1);
                pass.set_pipeline(&pipelines.means);
                pass.set_bind_group(0, &block.means, &[]);
                pass.dispatch_workgroups(run.coordinate_tiles, row_tiles, run.splits);
                let (x, y) = folded((block.rows * run.quads).div_ceil(WORKGROUP));
                pass.set_pipeline(&pipelines.update);
                pass.set_bind_group(0, &block.update, &[]);
                pass.dispatch_workgroups(x, y, 1);
            }
            pass.set_pipeline(&pipelines.advance);
            pass.set_bind_group(0, &run.advance, &[]);
            pass.dispatch_workgroups(1, 1, 1);
        }
    }

    /// Decodes latents (`rows × d`) to intensities (`rows × P`) on the device.
    pub async fn decode(&self, pca: &ImagePca, latents: &[f32], d: usize) -> Result<Vec<f32>, String> {
        let pixels = pca.pixels();
        let rows = latents.len() / d;
        if rows == 0 {
            return Ok(Vec::new());
        }
        // The first d principal directions only, pixel-major.
        let components: Vec<f32> =
            (0..pixels).flat_map(|j| (0..d).map(move |k| (j, k))).map(|(j, k)| pca.components[(j, k)] as f32).collect();
        let mean: Vec<f32> = pca.mean.iter().map(|&m| m as f32).collect();
        let params = self.uniform(&DecodeParams { rows: rows as u32, d: d as u32, pixels: pixels as u32, _pad: 0 });
        let out_bytes = (rows * pixels * 4) as u64;
        let out = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("intensities"),
            size: out_bytes,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let group = self.bind(
            &self.decode,
            &[
                (0, &params),
                (1, &self.storage("latents", bytemuck::cast_slice(latents))),
                (2, &self.storage("components", bytemuck::cast_slice(&components))),
                (3, &self.storage("mean", bytemuck::cast_slice(&mean))),
                (4, &out),
            ],
        );
        let mut encoder = self.device.create_command_encoder(&Default::default());
        dispatch(&mut encoder, &self.decode, &group, ((rows * pixels) as u32).div_ceil(WORKGROUP));
        self.read_back(encoder, &out, out_bytes).await
    }

    /// Finishes `encoder` with a copy of `source` into a mappable buffer, submits, and returns the
    /// copy once the device is done.
    async fn read_back(
        &self,
        mut encoder: wgpu::CommandEncoder,
        source: &wgpu::Buffer,
        size: u64,
    ) -> Result<Vec<f32>, String> {
        let staging = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("read back"),
            size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        encoder.copy_buffer_to_buffer(source, 0, &staging, 0, size);
        self.queue.submit([encoder.finish()]);
        let (sender, receiver) = futures_channel::oneshot::channel();
        staging.map_async(wgpu::MapMode::Read, .., move |result| {
            let _ = sender.send(result);
        });
        // Natively the callback fires during a poll; in a browser the event loop fires it.
        #[cfg(not(target_arch = "wasm32"))]
        self.device.poll(wgpu::PollType::wait_indefinitely()).map_err(|error| format!("the device failed: {error}"))?;
        receiver
            .await
            .map_err(|_| "the device dropped a read-back".to_string())?
            .map_err(|error| format!("reading the device's buffer failed: {error}"))?;
        let values = bytemuck::cast_slice(&staging.get_mapped_range(..).map_err(|e| format!("{e}"))?).to_vec();
        staging.unmap();
        Ok(values)
    }
}

/// What a run's steps dispatch: the Gaussian score's coefficients, or the empirical passes.
enum RunSteps {
    Gaussian(wgpu::Buffer),
    Empirical(EmpiricalRun),
}

struct EmpiricalRun {
    blocks: Vec<EmpiricalBlock>,
    advance: wgpu::BindGroup,
    point_tiles: u32,
    coordinate_tiles: u32,
    /// The runs of training points the means product is split into.
    splits: u32,
    /// Groups of four coordinates (Philox blocks) of a sample.
    quads: u32,
}

/// One block of samples: its rows and the bind groups of its three passes.
struct EmpiricalBlock {
    rows: u32,
    logits: wgpu::BindGroup,
    softmax: wgpu::BindGroup,
    means: wgpu::BindGroup,
    update: wgpu::BindGroup,
}

/// Records one dispatch of `groups` workgroups, folded into two dimensions past the per-dimension
/// limit (the shaders rebuild the linear index from `num_workgroups`).
fn dispatch(
    encoder: &mut wgpu::CommandEncoder,
    pipeline: &wgpu::ComputePipeline,
    group: &wgpu::BindGroup,
    groups: u32,
) {
    let (x, y) = folded(groups);
    let mut pass = encoder.begin_compute_pass(&Default::default());
    pass.set_pipeline(pipeline);
    pass.set_bind_group(0, group, &[]);
    pass.dispatch_workgroups(x, y, 1);
}

/// `groups` workgroups as a two-dimensional grid within the per-dimension limit.
fn folded(groups: u32) -> (u32, u32) {
    let x = groups.clamp(1, MAX_GROUPS_PER_DIMENSION);
    (x, groups.div_ceil(x).max(1))
}
