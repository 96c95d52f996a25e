// Philox4x32-10 and Box–Muller, the WGSL twin of src/numeric/philox.rs: the same counter gives the same
// words on the CPU and here, and the same normals up to the device's log/cos/sin rounding.

fn mul_wide(a: u32, b: u32) -> vec2<u32> {
    // WGSL has no 32×32→64 product: build it from 16-bit halves. Returns (high, low).
    let a_lo = a & 0xffffu;
    let a_hi = a >> 16u;
    let b_lo = b & 0xffffu;
    let b_hi = b >> 16u;
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    let cross = (lo_lo >> 16u) + (hi_lo & 0xffffu) + lo_hi;
    return vec2<u32>(hi_hi + (hi_lo >> 16u) + (cross >> 16u), a * b);
}

fn philox4x32(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
    var c = counter;
    var k = key;
    for (var round = 0u; round < 10u; round++) {
        if (round > 0u) {
            k = k + vec2<u32>(0x9E3779B9u, 0xBB67AE85u);
        }
        let p0 = mul_wide(0xD2511F53u, c.x);
        let p1 = mul_wide(0xCD9E8D57u, c.z);
        c = vec4<u32>(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
    }
    return c;
}

fn box_muller(first: u32, second: u32) -> vec2<f32> {
    let u1 = f32((first >> 8u) + 1u) * (1.0 / 16777216.0);
    let u2 = f32(second >> 8u) * (1.0 / 16777216.0);
    let radius = sqrt(-2.0 * log(u1));
    let angle = 6.283185307179586 * u2;
    return vec2<f32>(radius * cos(angle), radius * sin(angle));
}

const START_STEP: u32 = 0xffffffffu;

// The normals of latent coordinates 4·block .. 4·block + 3 of `sample` at `step`.
fn latent_normals(key: vec2<u32>, sample: u32, step: u32, block: u32) -> vec4<f32> {
    let words = philox4x32(vec4<u32>(sample, step, block, 0u), key);
    return vec4<f32>(box_muller(words.x, words.y), box_muller(words.z, words.w));
}
