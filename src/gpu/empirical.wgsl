// Euler–Maruyama steps with the exact score of the training latents' empirical law. One workgroup
// owns one sample; its 64 invocations share the sample's state in workgroup memory. Each step walks
// the training latents in tiles of 64: invocation t scores training point `tile + t` (a squared
// distance over d), the workgroup takes the tile's largest logit, and the running softmax is
// rescaled to it (an online softmax: no logit array of n_train entries is needed); then invocation
// t accumulates the weighted latents of its own coordinates k = t, t + 64, …

struct Params {
    samples: u32,
    d: u32,
    step_begin: u32,
    step_end: u32,
    key: vec2<u32>,
    training: u32,
    _pad: u32,
}

struct Step {
    keep: f32,
    pull: f32,
    noise: f32,
    b: f32,
    inverse_two_a2: f32,
    _pad0: f32,
    _pad1: f32,
    _pad2: f32,
}

const GROUP: u32 = 64u;
const MAX_D: u32 = 1024u;
const PER_INVOCATION: u32 = MAX_D / GROUP;
const FAR: f32 = -3.0e38;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read> steps: array<Step>;
// Training latents twice: point-major (n_train × d) and coordinate-major (d × n_train), so that both
// the distance pass (one point per invocation) and the sum pass (one coordinate per invocation)
// read neighbouring addresses across the workgroup.
@group(0) @binding(3) var<storage, read> training: array<f32>;
@group(0) @binding(4) var<storage, read> training_by_coordinate: array<f32>;

var<workgroup> y: array<f32, MAX_D>;
var<workgroup> reduction: array<f32, GROUP>;
var<workgroup> weights: array<f32, GROUP>;

@compute @workgroup_size(64)
fn empirical_steps(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
    @builtin(local_invocation_index) t: u32,
) {
    let sample = group.x + group.y * groups.x;
    let live = sample < params.samples;
    let d = params.d;
    let n_train = params.training;
    for (var k = t; k < d; k += GROUP) {
        y[k] = select(0.0, state[min(sample, params.samples - 1u) * d + k], live);
    }
    workgroupBarrier();
    for (var n = params.step_begin; n < params.step_end; n++) {
        let step = steps[n];
        var sums: array<f32, PER_INVOCATION>;
        var running_max = FAR;
        var total = 0.0;
        for (var tile = 0u; tile < n_train; tile += GROUP) {
            let i = tile + t;
            var logit = FAR;
            if (i < n_train) {
                var squared = 0.0;
                for (var k = 0u; k < d; k++) {
                    let gap = y[k] - step.b * training_by_coordinate[k * n_train + i];
                    squared = fma(gap, gap, squared);
                }
                logit = -squared * step.inverse_two_a2;
            }
            reduction[t] = logit;
            workgroupBarrier();
            for (var width = GROUP / 2u; width > 0u; width >>= 1u) {
                if (t < width) {
                    reduction[t] = max(reduction[t], reduction[t + width]);
                }
                workgroupBarrier();
            }
            let new_max = max(running_max, reduction[0]);
            let rescale = exp(running_max - new_max);
            weights[t] = select(0.0, exp(logit - new_max), i < n_train);
            workgroupBarrier();
            let count = min(GROUP, n_train - tile);
            var tile_total = 0.0;
            for (var j = 0u; j < count; j++) {
                tile_total += weights[j];
            }
            total = total * rescale + tile_total;
            for (var slot = 0u; slot < PER_INVOCATION; slot++) {
                let k = t + slot * GROUP;
                if (k >= d) {
                    break;
                }
                var sum = 0.0;
                for (var j = 0u; j < count; j++) {
                    sum = fma(weights[j], training[(tile + j) * d + k], sum);
                }
                sums[slot] = sums[slot] * rescale + sum;
            }
            running_max = new_max;
            workgroupBarrier();
        }
        for (var slot = 0u; slot < PER_INVOCATION; slot++) {
            let k = t + slot * GROUP;
            if (k >= d) {
                break;
            }
            let z = latent_normals(params.key, sample, n, k / 4u)[k % 4u];
            y[k] = step.keep * y[k] + step.pull * (sums[slot] / total) + step.noise * z;
        }
        workgroupBarrier();
    }
    if (live) {
        for (var k = t; k < d; k += GROUP) {
            state[sample * d + k] = y[k];
        }
    }
}
