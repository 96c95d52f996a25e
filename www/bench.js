// Times the wasm API in the browser. Results go to the table and to window.benchmark (read by the
// end-to-end test, which checks that every figure was produced, not how fast it is).
import init, { stoppingCurves, cappedScore, estimateVariances } from './pkg/ldm_explorer.js';
import initWorker, { generalGaussian, sample, scatterChunk } from './pkg/ldm_worker.js';
import initImages, { GpuEngine, ImageLab, runOnGpu } from './pkg/ldm_images.js';
import { adapterName } from './workers/adapter-name.js';
import { median, spectrum } from './bench-timing.js';

const WASM_URL = new URL('./pkg/ldm_explorer_bg.wasm', import.meta.url);
const WORKER_URL = new URL('./pkg/ldm_worker_bg.wasm', import.meta.url);

async function gzippedSize(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

await init({ module_or_path: WASM_URL });
await initWorker({ module_or_path: WORKER_URL });
await initImages({ module_or_path: new URL('./pkg/ldm_images_bg.wasm', import.meta.url) });
// Euler–Maruyama with Gaussian noise: samples × steps × d coordinate updates per second.
const emRequest = { variances: spectrum(8), d: 8, steps: 500, stopTime: 1.9, method: 'euler-maruyama', n: 2000, seed: 1 };
const emMs = median(() => sample(emRequest), 5);
const scatterRequest = { sampler: { variances: spectrum(8), d: 2, steps: 500, stopTime: 2 }, seed: 1, count: 2000, coordinates: [1, 2], frames: 101 };
const variances = spectrum(1000);
const estimatedVariances = estimateVariances({ variances, n: 1000, seed: 1 });
const bytes = await (await fetch(WASM_URL)).arrayBuffer();
const results = {
  'stoppingCurves exact, D = 1000, points = 1000 (ms)': median(() => stoppingCurves({ variances, points: 1000 }), 21),
  'stoppingCurves plug-in n = 1000, D = 1000, points = 1000 (ms)': median(() => stoppingCurves({ variances, estimatedVariances, points: 1000 }), 21),
  'cappedScore C = 100, D = 1000, points = 512 (ms)': median(() => cappedScore({ variances, C: 100, points: 512 }), 21),
  'estimateVariances n = 1000, D = 1000 (ms)': median(() => estimateVariances({ variances, n: 1000, seed: 2 }), 5),
  'sample Euler–Maruyama n = 2000, steps = 500, d = 8 (million updates/s)': (2000 * 500 * 8) / emMs / 1000,
  'scatterChunk n = 2000, steps = 500, 2 coordinates, 101 frames (ms)': median(() => scatterChunk(scatterRequest), 7),
  'generalGaussian D = 256, points = 256, n = 1000, estimated-basis curves of d = 1, 2, 4 … 32 (ms)': median(() => generalGaussian({ eigenvalues: spectrum(256), rotationSeed: 1, n: 1000, seed: 1, points: 256, dims: [1, 2, 4, 8, 16, 32] }), 3),
  'generalGaussian D = 64, points = 256, n = 1000, every d (ms)': median(() => generalGaussian({ eigenvalues: spectrum(64), n: 1000, seed: 1, points: 256, dims: Array.from({ length: 64 }, (_, k) => k + 1) }), 3),
  ...(await imageEngines()),
  'wasm module (KB)': bytes.byteLength / 1000,
  'wasm module gzipped (KB)': (await gzippedSize(bytes)) / 1000,
};

/**
 * The image sampler on the digits (d = 64): coordinate updates per second of the CPU engine, and of
 * the GPU engine when this browser offers WebGPU (its adapter is named under the table).
 */
async function imageEngines() {
  const digits = new Uint8Array(await (await fetch(new URL('./data/digits.ldmimg', import.meta.url))).arrayBuffer());
  const lab = ImageLab.fromFile(digits);
  const request = (score, samples, steps) => ({ d: 64, score, samples, steps, seed: 1, frames: 2 });
  const cpu = (score, samples, steps) => {
    const rate = () => {
      const run = lab.plan(request(score, samples, steps));
      const start = performance.now();
      run.runCpu(samples);
      const updatesPerMs = run.updates / (performance.now() - start);
      run.free();
      return updatesPerMs / 1000;
    };
    rate(); // a warm-up run lets the engine's functions reach the optimising tier
    // The median of five: a run of 64 × 50 lasts under 0.1 s, short enough for a moment's load
    // elsewhere on the machine to halve one run's figure.
    return Array.from({ length: 5 }, rate).sort((a, b) => a - b)[2];
  };
  const out = {
    'images CPU Gaussian score, 512 samples × 200 steps, d = 64 (million updates/s)': cpu('gaussian', 512, 200),
    'images CPU empirical score, 64 samples × 50 steps, d = 64 (million updates/s)': cpu('empirical', 64, 50),
  };
  let engine;
  try {
    engine = await GpuEngine.create();
  } catch (error) {
    document.getElementById('adapter').textContent = `No GPU engine: ${error.message}.`;
    return out;
  }
  document.getElementById('adapter').textContent = `GPU engine: ${await adapterName(engine.adapter)}.`;
  const gpu = async (score, samples, steps) => {
    // One warm-up run compiles the pipeline; the second is timed.
    for (let pass = 0; ; pass++) {
      const start = performance.now();
      const run = await runOnGpu(engine, lab, lab.plan(request(score, samples, steps)), 1, () => {});
      const rate = run.updates / (performance.now() - start) / 1000;
      run.free();
      if (pass === 1) return rate;
    }
  };
  out['images GPU Gaussian score, 4096 samples × 200 steps, d = 64 (million updates/s)'] = await gpu('gaussian', 4096, 200);
  out['images GPU empirical score, 64 samples × 20 steps, d = 64 (million updates/s)'] = await gpu('empirical', 64, 20);
  return out;
}

const table = document.getElementById('results');
table.replaceChildren();
for (const [name, value] of Object.entries(results)) {
  const row = table.insertRow();
  row.insertCell().textContent = name;
  row.insertCell().textContent = value.toFixed(2);
}
window.benchmark = results;
document.body.dataset.ready = 'true';
