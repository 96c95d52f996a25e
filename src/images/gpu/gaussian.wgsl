// The start draw of every model, and Euler–Maruyama steps with the Gaussian score: each coordinate
// follows y ← A y + B ξ with the (A, B) of its step. One invocation owns four coordinates of one
// sample (one Philox block), so a step costs one Philox call per invocation.

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read> start_sd: array<f32>;
@group(0) @binding(3) var<storage, read> coefficients: array<vec2<f32>>;

// The (sample, block of four coordinates) an invocation owns; x is params.samples past the last.
fn owned_block(id: vec3<u32>, groups: vec3<u32>) -> vec2<u32> {
    let blocks = (params.d + 3u) / 4u;
    let index = id.x + id.y * groups.x * 64u;
    if (index >= params.samples * blocks) {
        return vec2<u32>(params.samples, 0u);
    }
    return vec2<u32>(index / blocks, index % blocks);
}

@compute @workgroup_size(64)
fn start(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let owned = owned_block(id, groups);
    if (owned.x >= params.samples) {
        return;
    }
    let sample = owned.x;
    let block = owned.y;
    let z = latent_normals(params.key, sample, START_STEP, block);
    for (var lane = 0u; lane < 4u; lane++) {
        let k = 4u * block + lane;
        if (k < params.d) {
            state[sample * params.d + k] = start_sd[k] * z[lane];
        }
    }
}

@compute @workgroup_size(64)
fn gaussian_steps(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let owned = owned_block(id, groups);
    if (owned.x >= params.samples) {
        return;
    }
    let sample = owned.x;
    let block = owned.y;
    let lanes = min(4u, params.d - 4u * block);
    let base = sample * params.d + 4u * block;
    var y = vec4<f32>(0.0);
    for (var lane = 0u; lane < lanes; lane++) {
        y[lane] = state[base + lane];
    }
    for (var n = params.step_begin; n < params.step_end; n++) {
        let z = latent_normals(params.key, sample, n, block);
        for (var lane = 0u; lane < lanes; lane++) {
            let ab = coefficients[n * params.d + 4u * block + lane];
            y[lane] = ab.x * y[lane] + ab.y * z[lane];
        }
    }
    for (var lane = 0u; lane < lanes; lane++) {
        state[base + lane] = y[lane];
    }
}
