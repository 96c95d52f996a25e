// `cargo xtask bench`, its peers part: the wasm API in Node beside the same computations in NumPy
// (xtask/bench_numpy.py), measured in the same run, printed as ratios. Absolute times on a shared
// machine are noise; the ratio of two runs side by side is the figure README keeps. A benchmark,
// not a test. NumPy runs on one thread (OPENBLAS_NUM_THREADS=1), as the wasm does.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, digitsBytes, images, sim } from '../tests/js/load.mjs';
import { median, spectrum } from '../www/bench-timing.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A symmetric positive definite matrix, row-major: A Aᵀ/D + I for a seeded A. */
function covariance(dimension, seed) {
  let state = seed;
  const uniform = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  const a = Array.from({ length: dimension * dimension }, uniform);
  const out = new Float64Array(dimension * dimension);
  for (let i = 0; i < dimension; i++) {
    for (let j = 0; j < dimension; j++) {
      let sum = 0;
      for (let k = 0; k < dimension; k++) sum += a[i * dimension + k] * a[j * dimension + k];
      out[i * dimension + j] = sum / dimension + (i === j ? 1 : 0);
    }
  }
  return out;
}

const lab = images.ImageLab.fromFile(digitsBytes);
const curvesSize = { D: 1000, points: 1000, n: 1000 };
const variances = spectrum(curvesSize.D);
const estimatedVariances = api.estimateVariances({ variances, n: curvesSize.n, seed: 1 });
const [cov1, cov2] = [covariance(256, 1), covariance(256, 2)];

const CASES = [
  {
    name: 'stoppingCurves, exact score, D = 1000, points = 1000',
    kind: 'curvesExact',
    size: curvesSize,
    repeats: 21,
    run: () => api.stoppingCurves({ variances, points: curvesSize.points }),
  },
  {
    name: 'stoppingCurves, plug-in score (n = 1000), D = 1000, points = 1000',
    kind: 'curvesPlugIn',
    size: curvesSize,
    repeats: 21,
    run: () => api.stoppingCurves({ variances, estimatedVariances, points: curvesSize.points }),
  },
  {
    name: 'Euler–Maruyama sampler, n = 2000, 500 steps, d = 8',
    kind: 'eulerMaruyama',
    size: { n: 2000, steps: 500, d: 8, stopTime: 1.9 },
    repeats: 5,
    run: () => sim.sample({ variances: spectrum(8), d: 8, steps: 500, stopTime: 1.9, method: 'euler-maruyama', n: 2000, seed: 1 }),
  },
  {
    name: 'empirical-score sampler, 64 samples × 50 steps, d = 64, 1797 training latents (float32)',
    kind: 'empiricalScore',
    size: { samples: 64, steps: 50, d: 64, training: lab.count },
    repeats: 3,
    run: () => {
      const run = lab.plan({ d: 64, score: 'empirical', samples: 64, steps: 50, seed: 1, frames: 2 });
      run.runCpu(64);
      run.free();
    },
  },
  {
    name: 'Fréchet distance of two 256 × 256 covariances',
    kind: 'frechet',
    size: { D: 256 },
    repeats: 5,
    run: () => sim.frechet({ cov1, cov2 }),
  },
];

const wasmMs = Object.fromEntries(CASES.map((c) => [c.name, median(c.run, c.repeats)]));

let peers = null;
try {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
  // Set on some machines for old OpenBLAS builds; they slow a current NumPy (both go together).
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const request = JSON.stringify(CASES.map(({ name, kind, size, repeats }) => ({ name, kind, size, repeats })));
  peers = JSON.parse(execFileSync('python3', [path.join(here, 'bench_numpy.py'), request], { env, encoding: 'utf8' }));
} catch (error) {
  console.log(`NumPy peers skipped (python3 with NumPy is needed): ${error.message.split('\n')[0]}`);
}

const rows = CASES.map(({ name }) => {
  const numpy = peers?.ms[name];
  return {
    case: name,
    'wasm in Node (ms)': +wasmMs[name].toFixed(2),
    ...(peers ? { 'NumPy (ms)': +numpy.toFixed(2), 'NumPy / wasm': +(numpy / wasmMs[name]).toFixed(2) } : {}),
    ...(peers?.notes[name] ? { note: peers.notes[name] } : {}),
  };
});
console.table(rows);
if (peers) console.log(`NumPy ${peers.numpy} (${peers.blas}, one thread) against Node ${process.version}; above 1, the wasm is faster.`);
console.log(JSON.stringify({ node: process.version, numpy: peers?.numpy, rows }));
