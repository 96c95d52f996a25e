// Euler–Maruyama steps with the exact score of the training latents' empirical law. One workgroup
// owns one sample; its 64 invocations share the sample's state in workgroup memory. Each step walks
// the training latents in tiles of 256, four points an invocation: each invocation scores its points
// (squared distances over d) and keeps their largest logit; after a barrier every invocation reads
// the 64 partial maxima, rescales the running softmax to the new largest logit (an online softmax: no
// array of n_train logits is needed) and weighs its points; after a second barrier invocation t sums
// the tile's weighted latents on its own coordinates k = t, t + 64, … Two barriers a tile (the
// buffers alternate between tiles), since barriers are what a software rasteriser pays most for.

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
const PER_POINT: u32 = 4u;
const TILE: u32 = GROUP * PER_POINT;
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
// Per tile parity: the tile's weights, and each invocation's largest logit, then weight sum.
var<workgroup> weights: array<array<f32, TILE>, 2>;
var<workgroup> partial_max: array<array<f32, GROUP>, 2>;
var<workgroup> partial_sum: array<array<f32, GROUP>, 2>;

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
        var parity = 0u;
        for (var tile = 0u; tile < n_train; tile += TILE) {
            var logits: array<f32, PER_POINT>;
            var largest = FAR;
            for (var p = 0u; p < PER_POINT; p++) {
                let i = tile + p * GROUP + t;
                logits[p] = FAR;
                if (i < n_train) {
                    var squared = 0.0;
                    for (var k = 0u; k < d; k++) {
                        let gap = y[k] - step.b * training_by_coordinate[k * n_train + i];
                        squared = fma(gap, gap, squared);
                    }
                    logits[p] = -squared * step.inverse_two_a2;
                }
                largest = max(largest, logits[p]);
            }
            partial_max[parity][t] = largest;
            workgroupBarrier();
            var tile_max = FAR;
            for (var j = 0u; j < GROUP; j++) {
                tile_max = max(tile_max, partial_max[parity][j]);
            }
            let new_max = max(running_max, tile_max);
            var own_sum = 0.0;
            for (var p = 0u; p < PER_POINT; p++) {
                let i = tile + p * GROUP + t;
                let w = select(0.0, exp(logits[p] - new_max), i < n_train);
                weights[parity][p * GROUP + t] = w;
                own_sum += w;
            }
            partial_sum[parity][t] = own_sum;
            workgroupBarrier();
            let rescale = exp(running_max - new_max);
            var tile_total = 0.0;
            for (var j = 0u; j < GROUP; j++) {
                tile_total += partial_sum[parity][j];
            }
            total = total * rescale + tile_total;
            let count = min(TILE, n_train - tile);
            for (var slot = 0u; slot < PER_INVOCATION; slot++) {
                let k = t + slot * GROUP;
                if (k >= d) {
                    break;
                }
                var sum = 0.0;
                for (var j = 0u; j < count; j++) {
                    sum = fma(weights[parity][j], training[(tile + j) * d + k], sum);
                }
                sums[slot] = sums[slot] * rescale + sum;
            }
            running_max = new_max;
            parity = 1u - parity;
        }
        // Every invocation has read y for this step's distances before the tile loop's last
        // barrier; now each writes its own coordinates.
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
