// Euler–Maruyama steps with the exact score of the training latents' empirical law, as matrix
// products. For a block of samples Y (rows × d) and the training latents Z (N × d), one step is:
//   logits:  L = (2b Y Zᵀ − b² |z|²) / (2a²)       a tiled product, `empirical_logits`
//   softmax: W = exp(L − max), total = Σ W, by row   `empirical_softmax`
//   means:   W Z                                     a second tiled product, `empirical_means`
//   update:  y ← keep·y + pull·(W Z)/total + noise·ξ  `empirical_update`
// then `empirical_advance` moves the step clock on. The |y|² term of the squared distance cancels in
// the softmax, as in the CPU engine (src/images/mixture.rs). Both products share one scheme: a
// workgroup of 16 × 16 invocations owns a 64 × 64 tile of the result, each invocation a 4 × 4 block
// of it in registers, and the inner dimension goes through workgroup memory 16 at a time, so that
// every value read from the buffers serves 64 products.

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

const TILE: u32 = 64u;
const INNER: u32 = 16u;
const SOFTMAX_GROUP: u32 = 64u;
const FAR: f32 = -3.0e38;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read> steps: array<Step>;
// Training latents point-major (N × d), the second product's right factor.
@group(0) @binding(3) var<storage, read> training: array<f32>;
// Training latents coordinate-major (d × N), the first product's right factor, and one more row:
// the points' squared norms.
@group(0) @binding(4) var<storage, read> training_by_coordinate: array<f32>;
// The block's logits, then weights (block_rows × N), followed by each row's weight total.
@group(0) @binding(5) var<storage, read_write> logits: array<f32>;
// The step the passes are at: written only by `empirical_advance`.
@group(0) @binding(6) var<storage, read_write> clock: array<u32>;
// The second product's sums, one block of rows × d per run of points (params.splits of them).
@group(0) @binding(7) var<storage, read_write> partial_means: array<f32>;

// Tiles of the two factors: [k][q] holds rows (left) or columns (right) 4q .. 4q + 3 at inner index k.
var<workgroup> left_tile: array<array<vec4<f32>, 16>, INNER>;
var<workgroup> right_tile: array<array<vec4<f32>, 16>, INNER>;
var<workgroup> reduction: array<f32, SOFTMAX_GROUP>;

// The samples of this block: params.first_sample onwards, at most params.block_rows of them.
fn block_rows() -> u32 {
    return min(params.block_rows, params.samples - params.first_sample);
}

// Adds the product of the loaded tiles to an invocation's 4 × 4 block (rows 4·row_quad + i,
// columns 4·column_quad + c).
fn accumulate(sums: ptr<function, array<vec4<f32>, 4>>, row_quad: u32, column_quad: u32) {
    for (var k = 0u; k < INNER; k++) {
        let left = left_tile[k][row_quad];
        let right = right_tile[k][column_quad];
        (*sums)[0] = fma(vec4<f32>(left.x), right, (*sums)[0]);
        (*sums)[1] = fma(vec4<f32>(left.y), right, (*sums)[1]);
        (*sums)[2] = fma(vec4<f32>(left.z), right, (*sums)[2]);
        (*sums)[3] = fma(vec4<f32>(left.w), right, (*sums)[3]);
    }
}

// Invocation t's share of a 64 × 16 left tile: rows t / 16 + 16m (m < 4) at inner index t % 16,
// neighbouring invocations reading neighbouring addresses of a row-major matrix.
fn left_slot(t: u32, m: u32) -> vec2<u32> {
    return vec2<u32>(t / INNER + INNER * m, t % INNER);
}

// Invocation t's share of a 16 × 64 right tile: column t % 64 at inner indices t / 64 + 4m (m < 4).
fn right_slot(t: u32, m: u32) -> vec2<u32> {
    return vec2<u32>(t % TILE, t / TILE + 4u * m);
}

fn set_left(slot: vec2<u32>, value: f32) {
    left_tile[slot.y][slot.x / 4u][slot.x % 4u] = value;
}

fn set_right(slot: vec2<u32>, value: f32) {
    right_tile[slot.y][slot.x / 4u][slot.x % 4u] = value;
}

// Logits of rows × points: left factor Y (rows × d, in `state`), right factor Zᵀ (d × N).
@compute @workgroup_size(16, 16)
fn empirical_logits(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(local_invocation_id) local: vec3<u32>,
    @builtin(local_invocation_index) t: u32,
) {
    let rows = block_rows();
    let d = params.d;
    let n_train = params.training;
    let row0 = group.y * TILE;
    let point0 = group.x * TILE;
    var sums: array<vec4<f32>, 4>;
    for (var k0 = 0u; k0 < d; k0 += INNER) {
        for (var m = 0u; m < 4u; m++) {
            let at = left_slot(t, m);
            let row = row0 + at.x;
            let k = k0 + at.y;
            let inside = row < rows && k < d;
            let index = select(0u, (params.first_sample + row) * d + k, inside);
            set_left(at, select(0.0, state[index], inside));
            let right_at = right_slot(t, m);
            let point = point0 + right_at.x;
            let right_k = k0 + right_at.y;
            let right_inside = point < n_train && right_k < d;
            let right_index = select(0u, right_k * n_train + point, right_inside);
            set_right(right_at, select(0.0, training_by_coordinate[right_index], right_inside));
        }
        workgroupBarrier();
        accumulate(&sums, local.y, local.x);
        workgroupBarrier();
    }
    let step = steps[clock[0]];
    let scale = 2.0 * step.b * step.inverse_two_a2;
    let norm_scale = step.b * step.b * step.inverse_two_a2;
    for (var c = 0u; c < 4u; c++) {
        let point = point0 + 4u * local.x + c;
        if (point >= n_train) {
            break;
        }
        let offset = norm_scale * training_by_coordinate[d * n_train + point];
        for (var i = 0u; i < 4u; i++) {
            let row = row0 + 4u * local.y + i;
            if (row < rows) {
                logits[row * n_train + point] = scale * sums[i][c] - offset;
            }
        }
    }
}

// The sum over the workgroup of each invocation's `value`, or the largest; every invocation gets it.
// Each reads all the partial values (the same addresses for all): two barriers, no tree.
fn reduce(t: u32, value: f32, largest: bool) -> f32 {
    reduction[t] = value;
    workgroupBarrier();
    var result = select(0.0, FAR, largest);
    for (var i = 0u; i < SOFTMAX_GROUP; i++) {
        result = select(result + reduction[i], max(result, reduction[i]), largest);
    }
    workgroupBarrier();
    return result;
}

// One workgroup a row: the logits become weights exp(L − max), their total follows the block.
@compute @workgroup_size(64)
fn empirical_softmax(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) t: u32) {
    let row = group.x;
    if (row >= block_rows()) {
        return;
    }
    let n_train = params.training;
    let base = row * n_train;
    var largest = FAR;
    for (var j = t; j < n_train; j += SOFTMAX_GROUP) {
        largest = max(largest, logits[base + j]);
    }
    largest = reduce(t, largest, true);
    var total = 0.0;
    for (var j = t; j < n_train; j += SOFTMAX_GROUP) {
        let weight = exp(logits[base + j] - largest);
        logits[base + j] = weight;
        total += weight;
    }
    total = reduce(t, total, false);
    if (t == 0u) {
        logits[params.block_rows * n_train + row] = total;
    }
}

// Partial means of rows × coordinates: left factor W (rows × N), right factor Z (N × d), the points
// split into params.splits runs of params.split_points (group.z picks one), so that a small result
// still gives the device many workgroups.
@compute @workgroup_size(16, 16)
fn empirical_means(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(local_invocation_id) local: vec3<u32>,
    @builtin(local_invocation_index) t: u32,
) {
    let rows = block_rows();
    let d = params.d;
    let n_train = params.training;
    let row0 = group.y * TILE;
    let coordinate0 = group.x * TILE;
    let first_point = group.z * params.split_points;
    let end_point = min(first_point + params.split_points, n_train);
    var sums: array<vec4<f32>, 4>;
    for (var j0 = first_point; j0 < end_point; j0 += INNER) {
        for (var m = 0u; m < 4u; m++) {
            let at = left_slot(t, m);
            let row = row0 + at.x;
            let point = j0 + at.y;
            let inside = row < rows && point < end_point;
            set_left(at, select(0.0, logits[select(0u, row * n_train + point, inside)], inside));
            let right_at = right_slot(t, m);
            let coordinate = coordinate0 + right_at.x;
            let right_point = j0 + right_at.y;
            let right_inside = coordinate < d && right_point < end_point;
            let right_index = select(0u, right_point * d + coordinate, right_inside);
            set_right(right_at, select(0.0, training[right_index], right_inside));
        }
        workgroupBarrier();
        accumulate(&sums, local.y, local.x);
        workgroupBarrier();
    }
    for (var i = 0u; i < 4u; i++) {
        let row = row0 + 4u * local.y + i;
        for (var c = 0u; c < 4u; c++) {
            let k = coordinate0 + 4u * local.x + c;
            if (row < rows && k < d) {
                partial_means[(group.z * params.block_rows + row) * d + k] = sums[i][c];
            }
        }
    }
}

// The step itself: invocation (row, q) sums the partial means of coordinates 4q .. 4q + 3 (one
// Philox block) and moves them.
@compute @workgroup_size(64)
fn empirical_update(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let d = params.d;
    let quads = (d + 3u) / 4u;
    let index = id.x + id.y * groups.x * 64u;
    let row = index / quads;
    if (row >= block_rows()) {
        return;
    }
    let quad = index % quads;
    let n = clock[0];
    let step = steps[n];
    var mean = vec4<f32>(0.0);
    for (var split = 0u; split < params.splits; split++) {
        let base = (split * params.block_rows + row) * d + 4u * quad;
        for (var c = 0u; c < 4u; c++) {
            if (4u * quad + c < d) {
                mean[c] += partial_means[base + c];
            }
        }
    }
    mean /= logits[params.block_rows * params.training + row];
    let sample = params.first_sample + row;
    let z = latent_normals(params.key, sample, n, quad);
    for (var c = 0u; c < 4u; c++) {
        let k = 4u * quad + c;
        if (k < d) {
            let at = sample * d + k;
            state[at] = step.keep * state[at] + step.pull * mean[c] + step.noise * z[c];
        }
    }
}

@compute @workgroup_size(1)
fn empirical_advance() {
    clock[0] += 1u;
}
