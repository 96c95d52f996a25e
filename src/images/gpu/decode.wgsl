// The linear decoder: pixel j of latent row r is mean_j + Σ_k U_jk z_rk, returned as an intensity
// (x + 1)/2. One invocation a (row, pixel).

struct DecodeParams {
    rows: u32,
    d: u32,
    pixels: u32,
    _pad: u32,
}

@group(0) @binding(0) var<uniform> params: DecodeParams;
@group(0) @binding(1) var<storage, read> latents: array<f32>;
// The first d principal directions, pixel-major: U_jk at j · d + k.
@group(0) @binding(2) var<storage, read> components: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read_write> intensities: array<f32>;

@compute @workgroup_size(64)
fn decode(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let index = id.x + id.y * groups.x * 64u;
    if (index >= params.rows * params.pixels) {
        return;
    }
    let row = index / params.pixels;
    let j = index % params.pixels;
    var x = mean[j];
    for (var k = 0u; k < params.d; k++) {
        x = fma(components[j * params.d + k], latents[row * params.d + k], x);
    }
    intensities[index] = (x + 1.0) * 0.5;
}
