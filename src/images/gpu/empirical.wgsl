// Euler–Maruyama steps with the exact score of the training latents' empirical law.
//
// One workgroup owns one sample; its 64 invocations share the sample's state in workgroup memory.
// Each step walks the training latents in tiles of 256, four points an invocation (a vec4, so that
// they stay in registers): each invocation scores its points (squared distances over d) and keeps
// their largest logit; after a barrier every invocation reads the 64 partial maxima, rescales the
// running softmax to the new largest logit (an online softmax: no array of n_train logits is
// needed) and weighs its points; after a second barrier invocation t sums the tile's weighted
// latents on its own coordinates k = t, t + 64, … Two barriers a tile: the buffers alternate
// between tiles. MAX_D is set by the host before compiling (src/images/gpu/mod.rs).

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

const MAX_D: u32 = 256u;
const GROUP: u32 = 64u;
const TILE: u32 = 4u * GROUP;
const PER_INVOCATION: u32 = MAX_D / GROUP;
const FAR: f32 = -3.0e38;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read> steps: array<Step>;
// Training latents twice: point-major (n_train × d) and coordinate-major (d × n_train), so that both
// the distance pass (points across the workgroup) and the sum pass (coordinates across the
// workgroup) read neighbouring addresses.
@group(0) @binding(3) var<storage, read> training: array<f32>;
@group(0) @binding(4) var<storage, read> training_by_coordinate: array<f32>;

var<workgroup> y: array<f32, MAX_D>;
// Per tile parity: the tile's weights (point 4j + c at [j][c]), each invocation's largest logit
// and weight sum (invocation 4j + c at [j][c]).
var<workgroup> weights: array<array<vec4<f32>, GROUP>, 2>;
var<workgroup> partial_max: array<array<vec4<f32>, 16>, 2>;
var<workgroup> partial_sum: array<array<vec4<f32>, 16>, 2>;

fn largest(v: vec4<f32>) -> f32 {
    return max(max(v.x, v.y), max(v.z, v.w));
}

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
        y[k] = state[min(sample, params.samples - 1u) * d + k];
    }
    workgroupBarrier();
    for (var n = params.step_begin; n < params.step_end; n++) {
        let step = steps[n];
        var sums: array<f32, PER_INVOCATION>;
        var running_max = FAR;
        var total = 0.0;
        var parity = 0u;
        for (var tile = 0u; tile < n_train; tile += TILE) {
            // Invocation t scores points tile + 4t .. tile + 4t + 3 (clamped; masked below).
            let first = tile + 4u * t;
            let last = n_train - 1u;
            let points = vec4<u32>(min(first, last), min(first + 1u, last), min(first + 2u, last), min(first + 3u, last));
            let valid = vec4<u32>(first, first + 1u, first + 2u, first + 3u) < vec4<u32>(n_train);
            var squared = vec4<f32>(0.0);
            for (var k = 0u; k < d; k++) {
                let row = k * n_train;
                let z = vec4<f32>(
                    training_by_coordinate[row + points.x],
                    training_by_coordinate[row + points.y],
                    training_by_coordinate[row + points.z],
                    training_by_coordinate[row + points.w],
                );
                let gap = vec4<f32>(y[k]) - step.b * z;
                squared = fma(gap, gap, squared);
            }
            let logits = select(vec4<f32>(FAR), -squared * step.inverse_two_a2, valid);
            partial_max[parity][t / 4u][t % 4u] = largest(logits);
            workgroupBarrier();
            var tile_max = vec4<f32>(FAR);
            for (var j = 0u; j < 16u; j++) {
                tile_max = max(tile_max, partial_max[parity][j]);
            }
            let new_max = max(running_max, largest(tile_max));
            let w = select(vec4<f32>(0.0), exp(logits - vec4<f32>(new_max)), valid);
            weights[parity][t] = w;
            partial_sum[parity][t / 4u][t % 4u] = w.x + w.y + w.z + w.w;
            workgroupBarrier();
            let rescale = exp(running_max - new_max);
            running_max = new_max;
            var tile_total = vec4<f32>(0.0);
            for (var j = 0u; j < 16u; j++) {
                tile_total += partial_sum[parity][j];
            }
            total = total * rescale + (tile_total.x + tile_total.y + tile_total.z + tile_total.w);
            let groups_of_four = min(GROUP, (n_train - tile + 3u) / 4u);
            for (var slot = 0u; slot < PER_INVOCATION; slot++) {
                let k = t + slot * GROUP;
                if (k >= d) {
                    break;
                }
                var sum = 0.0;
                for (var j = 0u; j < groups_of_four; j++) {
                    let base = tile + 4u * j;
                    let v = weights[parity][j];
                    // Past n_train the weight is 0; the clamped read keeps the address valid.
                    sum = fma(v.x, training[min(base, last) * d + k], sum);
                    sum = fma(v.y, training[min(base + 1u, last) * d + k], sum);
                    sum = fma(v.z, training[min(base + 2u, last) * d + k], sum);
                    sum = fma(v.w, training[min(base + 3u, last) * d + k], sum);
                }
                sums[slot] = sums[slot] * rescale + sum;
            }
            parity = 1u - parity;
        }
        // Every invocation read y for this step's distances before the tile loop's last barriers;
        // now each writes its own coordinates.
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
