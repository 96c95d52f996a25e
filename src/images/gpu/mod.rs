//! The GPU engine of the latent sampler: the plan of [`crate::images::latent`] run by WGSL compute
//! shaders through wgpu: WebGPU in the browser, Vulkan/Metal/DX12 natively. It computes what
//! [`LatentPlan::run_cpu`] computes, with the same Philox noise; only the rounding differs: the
//! device's `log`, `cos`, `sin` and `exp`, the order of the softmax sums, and the empirical score's
//! logits, which the GPU sums as squared distances where the CPU takes dot products (and zeroes
//! weights below e^−87).

use wgpu::util::DeviceExt;

use crate::images::latent::{LatentPlan, LatentScore};
use crate::images::set::ImagePca;
use crate::input::limits::MAX_LATENT_DIMENSION;
use crate::numeric::philox::key;

const PHILOX: &str = include_str!("philox.wgsl");
const PARAMS: &str = include_str!("params.wgsl");
const WORKGROUP: u32 = 64;
/// Most workgroups along one dispatch dimension (WebGPU's guaranteed limit).
const MAX_GROUPS_PER_DIMENSION: u32 = 65_535;
/// Work put in one dispatch, in coordinate updates (Gaussian) or point-coordinate products
/// (empirical): small enough that no dispatch runs for seconds, which browsers treat as a hang.
const GAUSSIAN_UPDATES_PER_DISPATCH: f64 = 2.0e8;
const EMPIRICAL_PRODUCTS_PER_DISPATCH: f64 = 1.0e9;

#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct Params {
    samples: u32,
    d: u32,
    step_begin: u32,
    step_end: u32,
    key: [u32; 2],
    training: u32,
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
    /// The empirical kernel compiled for `d ≤ 256` and for any `d` (the sample's state in workgroup
    /// memory and each invocation's sums grow with the largest `d`: the smaller build needs fewer
    /// registers).
    empirical_small: wgpu::ComputePipeline,
    empirical_large: wgpu::ComputePipeline,
    decode: wgpu::ComputePipeline,
}

/// The largest `d` of the smaller empirical build.
const EMPIRICAL_SMALL_D: u32 = 256;

/// The empirical kernel's source for latents up to `max_d`.
fn empirical_source(max_d: u32) -> String {
    const DECLARATION: &str = "const MAX_D: u32 = 256u;";
    let source = include_str!("empirical.wgsl");
    assert!(source.contains(DECLARATION), "empirical.wgsl declares {DECLARATION}");
    format!("{PARAMS}\n{}", source.replace(DECLARATION, &format!("const MAX_D: u32 = {max_d}u;")))
}

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
        let limits = wgpu::Limits {
            max_storage_buffer_binding_size: available.max_storage_buffer_binding_size,
            max_buffer_size: available.max_buffer_size,
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
        let empirical_small = module("empirical", &empirical_source(EMPIRICAL_SMALL_D));
        let empirical_large = module("empirical", &empirical_source(MAX_LATENT_DIMENSION as u32));
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
            empirical_small: pipeline(&empirical_small, "empirical_steps"),
            empirical_large: pipeline(&empirical_large, "empirical_steps"),
            decode: pipeline(&decode_module, "decode"),
            info: adapter.get_info(),
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
        let training = plan.training_count() as u32;
        let params = |begin: usize, end: usize| Params {
            samples,
            d,
            step_begin: begin as u32,
            step_end: end as u32,
            key: key(request.seed),
            training: if request.score == LatentScore::Empirical { training } else { 0 },
            _pad: 0,
        };
        let blocks = samples * d.div_ceil(4);
        // The model's pipeline, its bindings after (params, state), the workgroups a dispatch needs
        // and the steps one dispatch may take.
        let (pipeline, model_buffers, groups, steps_per_dispatch) = match request.score {
            LatentScore::Gaussian => {
                let coefficients = self.storage("coefficients", bytemuck::cast_slice(&plan.gaussian));
                let per_step = f64::from(samples) * f64::from(d);
                (
                    &self.gaussian,
                    vec![(3, coefficients)],
                    blocks.div_ceil(WORKGROUP),
                    GAUSSIAN_UPDATES_PER_DISPATCH / per_step,
                )
            }
            LatentScore::Empirical => {
                let table: Vec<[f32; 8]> = plan
                    .empirical
                    .iter()
                    .map(|s| [s.keep, s.pull, s.noise, s.b, s.inverse_two_a2, 0.0, 0.0, 0.0])
                    .collect();
                let by_coordinate: Vec<f32> =
                    (0..plan.d()).flat_map(|k| plan.training.chunks_exact(plan.d()).map(move |row| row[k])).collect();
                let buffers = vec![
                    (2, self.storage("steps", bytemuck::cast_slice(&table))),
                    (3, self.storage("training", bytemuck::cast_slice(&plan.training))),
                    (4, self.storage("training by coordinate", bytemuck::cast_slice(&by_coordinate))),
                ];
                let per_step = f64::from(samples) * f64::from(d) * f64::from(training);
                let pipeline = if d <= EMPIRICAL_SMALL_D { &self.empirical_small } else { &self.empirical_large };
                (pipeline, buffers, samples, EMPIRICAL_PRODUCTS_PER_DISPATCH / per_step)
            }
        };
        let steps_per_dispatch = (steps_per_dispatch.floor() as usize).max(1);

        let start_params = self.uniform(&params(0, 0));
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
                let end = (begin + steps_per_dispatch).min(frame);
                let uniform = self.uniform(&params(begin, end));
                let mut buffers = vec![(0, &uniform), (1, &state)];
                buffers.extend(model_buffers.iter().map(|(binding, buffer)| (*binding, buffer)));
                let group = self.bind(pipeline, &buffers);
                dispatch(&mut encoder, pipeline, &group, groups);
                begin = end;
            }
            done = frame;
            out.extend(self.read_back(encoder, &state, state_bytes).await?);
            progress(f + 1, frames);
        }
        Ok(out)
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

/// Records one dispatch of `groups` workgroups, folded into two dimensions past the per-dimension
/// limit (the shaders rebuild the linear index from `num_workgroups`).
fn dispatch(
    encoder: &mut wgpu::CommandEncoder,
    pipeline: &wgpu::ComputePipeline,
    group: &wgpu::BindGroup,
    groups: u32,
) {
    let x = groups.clamp(1, MAX_GROUPS_PER_DIMENSION);
    let mut pass = encoder.begin_compute_pass(&Default::default());
    pass.set_pipeline(pipeline);
    pass.set_bind_group(0, group, &[]);
    pass.dispatch_workgroups(x, groups.div_ceil(x).max(1), 1);
}
