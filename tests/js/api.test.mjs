// The JS API as a page or a reader's script calls it: shapes, defaults, numbers against formulas
// written out here in JS, and errors that name the field.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { api, pkgDir, sim } from './load.mjs';

const { stoppingCurves, cappedScore, estimateVariances, limits } = api;

const FIG4_LEFT = [1, 0.6, 0.36, 0.216, 0.1296, 0.07776, 0.046656, 1e-10, 1e-10];

// dF²(t, d) for OU from the paper's eq. (6), independently of the Rust code.
function ouDistance(variances, estimated, T, t, d) {
  const b2 = Math.exp(-2 * (T - t));
  let total = 0;
  for (let k = 0; k < variances.length; k++) {
    total += k < d ? (Math.sqrt(1 - b2 + b2 * estimated[k]) - Math.sqrt(variances[k])) ** 2 : variances[k];
  }
  return total;
}

const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);

test('stoppingCurves returns typed arrays with the documented shapes and defaults', () => {
  const r = stoppingCurves({ variances: FIG4_LEFT });
  assert.ok(r.t instanceof Float64Array);
  assert.equal(r.t.length, 512);
  assert.equal(r.t[0], 0);
  assert.equal(r.t[511], 2);
  assert.equal(r.fd2.length, 9);
  assert.ok(r.fd2.every((row) => row instanceof Float64Array && row.length === 512));
  // With the exact score its curves are the exact-score curves: the same arrays, sent once.
  assert.equal(r.fd2Exact, r.fd2);
  // A second answer does not reuse the first one's arrays.
  const again = stoppingCurves({ variances: FIG4_LEFT, T: 1 });
  assert.notEqual(again.fd2, r.fd2);
  assert.equal(r.switchTimes.length, 10);
  assert.ok(r.bestDim instanceof Uint32Array);
  assert.deepEqual(r.monotone, Array(9).fill(true));
  assert.ok(r.optimalStop.every((t) => t === 2));
  assert.equal(r.logSnr[511], Infinity);
  // Figure 4 (left)'s switch times.
  [1.124, 1.704, 1.854, 1.921, 2.0].forEach((want, i) => close(r.switchTimes[i + 3], want, 5e-4, `t_${i + 4}`));
});

test('curves match the closed form for a plug-in score', () => {
  const variances = [0.9, 0.4, 0.1, 0.01];
  const estimatedVariances = [0.7, 0.45, 0.13, 0.002];
  const r = stoppingCurves({ variances, estimatedVariances, T: 1.5, points: 31 });
  assert.notEqual(r.fd2Exact, r.fd2);
  for (let d = 1; d <= 4; d++) {
    for (let i = 0; i < 31; i++) {
      close(r.fd2[d - 1][i], ouDistance(variances, estimatedVariances, 1.5, r.t[i], d), 1e-12, `plug-in d=${d} i=${i}`);
      close(r.fd2Exact[d - 1][i], ouDistance(variances, variances, 1.5, r.t[i], d), 1e-12, `exact d=${d} i=${i}`);
    }
    // Prop 1's sum, and the verdict it gives.
    let sum = 0;
    for (let k = 0; k < d; k++) sum += (1 - Math.sqrt(variances[k] / estimatedVariances[k])) * (1 - estimatedVariances[k]);
    close(r.prop1Sum[d - 1], sum, 1e-14, `prop1Sum d=${d}`);
    assert.equal(r.monotone[d - 1], sum >= 0);
    // The optimal stop is no worse than any grid point.
    const best = ouDistance(variances, estimatedVariances, 1.5, r.optimalStop[d - 1], d);
    assert.ok(r.fd2[d - 1].every((v) => best <= v + 1e-14), `optimal stop of d=${d}`);
  }
  assert.ok(r.monotone.includes(false), 'this spectrum has a non-monotone curve');
});

test('every schedule is accepted and LogSNR decreases towards the noise', () => {
  for (const schedule of ['ou', 'vp-linear', 'cosine', 'rectified-flow']) {
    const r = stoppingCurves({ variances: [0.5, 0.1], schedule, points: 16 });
    assert.equal(r.t[15], schedule === 'ou' ? 2 : 1, schedule);
    for (let i = 1; i < 15; i++) assert.ok(r.logSnr[i] > r.logSnr[i - 1], `${schedule} LogSNR at ${i}`);
  }
});

test('cappedScore returns the variance ODE solution and Prop 5 outcome', () => {
  const variances = [0.8, 0.3, 0.05, 0.01, 0.002];
  const r = cappedScore({ variances, C: 30, points: 64 });
  assert.equal(r.variance.length, 5);
  for (let k = 0; k < 5; k++) close(r.variance[k][0], 1, 1e-15, 'started from N(0, I)');
  for (let k = 0; k < 5; k++) assert.equal(r.variance[k][63], r.endVariances[k]);
  let latent = 0;
  for (let d = 1; d <= 5; d++) {
    latent += (Math.sqrt(r.endVariances[d - 1]) - Math.sqrt(variances[d - 1])) ** 2;
    const tail = variances.slice(d).reduce((a, b) => a + b, 0);
    close(r.fd2ByDim[d - 1], latent + tail, 1e-14, `fd2ByDim d=${d}`);
    close(r.fd2[d - 1][63], r.fd2ByDim[d - 1], 1e-14, `curve end d=${d}`);
  }
  const dMin = 1 + r.fd2ByDim.indexOf(Math.min(...r.fd2ByDim));
  assert.equal(r.dMin, dMin);
  assert.ok(r.d1 <= r.dMin && r.dMin <= r.d2);
  // A coordinate whose σ̂² ≥ 1/C never meets the cap: the closed form without the cap.
  const q = 1 - 0.8, e2 = Math.exp(-4), e4 = Math.exp(-8);
  close(r.endVariances[0], (0.8 * (1 - 2 * q * e2 + q * e4)) / (1 - 2 * q * e2 + q * q * e4), 1e-14, 'V_T');
});

test('estimateVariances is seeded and unbiased in the mean', () => {
  const a = estimateVariances({ variances: [2, 1, 0.5], n: 1000, seed: 42 });
  assert.ok(a instanceof Float64Array);
  assert.deepEqual(a, estimateVariances({ variances: [2, 1, 0.5], n: 1000, seed: 42 }));
  assert.notDeepEqual(a, estimateVariances({ variances: [2, 1, 0.5], n: 1000, seed: 43 }));
  // Mean of σ̂²/σ² over many seeds: 1 ± sqrt(2/n)/sqrt(seeds).
  let mean = 0;
  for (let seed = 0; seed < 200; seed++) mean += estimateVariances({ variances: [3], n: 50, seed })[0] / 3 / 200;
  assert.ok(Math.abs(mean - 1) < 4 * Math.sqrt(2 / 50 / 200), `mean ratio ${mean}`);
});

test('bad input throws an Error that names the field', () => {
  const cases = [
    [() => stoppingCurves({ variances: [1, -1] }), /^variances\[1\]: /],
    [() => stoppingCurves({ variances: [1, NaN] }), /^variances\[1\]: /],
    [() => stoppingCurves({ variances: [1, 'abc'] }), /^variances\[1\]: /],
    [() => stoppingCurves({ variances: [1, Infinity] }), /^variances\[1\]: /],
    [() => stoppingCurves({ variances: [] }), /^variances: /],
    [() => stoppingCurves({ variances: [1], estimatedVariances: [1, 2] }), /^estimatedVariances: /],
    [() => stoppingCurves({ variances: [1], T: 0 }), /^T: /],
    [() => stoppingCurves({ variances: [1], T: 2, schedule: 'cosine' }), /^T: /],
    [() => stoppingCurves({ variances: [1], points: 1 }), /^points: /],
    [() => stoppingCurves({ variances: [1], points: 2.5 }), /^points: /],
    [() => stoppingCurves({ variances: [1], schedule: 'linear' }), /^schedule: /],
    [() => stoppingCurves({ variances: [1], varainces: [1] }), /unknown field `varainces`/],
    [() => stoppingCurves({}), /missing field `variances`/],
    [() => stoppingCurves(), /^stoppingCurves: /],
    [() => stoppingCurves([1, 2]), /^stoppingCurves: /],
    [() => stoppingCurves('abc'), /^stoppingCurves: /],
    [() => stoppingCurves({ variances: new Array(limits().maxDimension + 1).fill(1) }), /^variances: /],
    [() => cappedScore({ variances: [1], C: 1 }), /^C: /],
    [() => cappedScore({ variances: [1] }), /missing field `C`/],
    [() => estimateVariances({ variances: [1], n: 0, seed: 1 }), /^n: /],
    [() => estimateVariances({ variances: [1], n: 10, seed: -1 }), /^seed: /],
  ];
  for (const [call, pattern] of cases) {
    assert.throws(call, (e) => e instanceof Error && pattern.test(e.message), String(call));
  }
});

test('drawing outside a browser page is an error, not a trap', () => {
  assert.throws(() => api.stoppingCurvesSvg({ variances: [1, 0.5] }, 400, 300), (e) => /^drawing: needs a browser page/.test(e.message));
});

test('samplerLaw reaches JavaScript with the core\'s numbers', () => {
  const base = { variances: [0.9, 0.3, 0.05], estimatedVariances: [0.8, 0.33, 0.04], d: 3, stopTime: 1.8, method: 'exponential' };
  const law = sim.samplerLaw({ ...base, steps: 50 });
  assert.ok(law.t instanceof Float64Array && law.fd2 instanceof Float64Array && law.continuousFd2 instanceof Float64Array);
  assert.equal(law.t.length, 51);
  assert.equal(law.t[50], 1.8);
  // A stationary start with the plug-in score: the continuous law is a²+b²σ̂² (the paper's Section 3), so its
  // dF² is stoppingCurves' plug-in value at the same time.
  const curves = stoppingCurves({ variances: base.variances, estimatedVariances: base.estimatedVariances, T: 2 - 1.8, points: 2 });
  assert.ok(Math.abs(law.continuousFd2[50] - curves.fd2[2][0]) < 1e-14);
  const fine = sim.samplerLaw({ ...base, steps: 800 });
  const gap = (l) => Math.abs(l.fd2[l.fd2.length - 1] - l.continuousFd2[l.continuousFd2.length - 1]);
  assert.ok(gap(fine) < gap(law) / 8, `first order: ${gap(law)} → ${gap(fine)}`);
  const bad = [
    [{ ...base, steps: 0 }, /^steps: /],
    [{ ...base, d: 4, steps: 10 }, /^d: /],
    [{ ...base, steps: 10, stopTime: 3 }, /^stopTime: /],
    [{ ...base, steps: 10, method: 'rk4' }, /^method: /],
    [{ ...base, steps: 10, n: 5 }, /^n: /],
    [{ ...base, steps: 10, nn: 5 }, /unknown field `nn`/],
  ];
  for (const [request, pattern] of bad) {
    assert.throws(() => sim.samplerLaw(request), (e) => pattern.test(e.message), JSON.stringify(request));
  }
});

test('typed arrays are accepted as input', () => {
  const variances = new Float64Array([1, 0.5, 0.1]);
  assert.deepEqual(stoppingCurves({ variances, points: 8 }).fd2, stoppingCurves({ variances: [...variances], points: 8 }).fd2);
});

test('the TypeScript declarations name every export', () => {
  const exports = {
    ldm_explorer: ['stoppingCurves', 'cappedScore', 'estimateVariances', 'plotStoppingCurves', 'stoppingCurvesSvg', 'limits'],
    ldm_worker: ['samplerLaw', 'sample', 'scatterChunk', 'monteCarloRun', 'frechet', 'generalGaussian'],
  };
  for (const [module, names] of Object.entries(exports)) {
    const dts = readFileSync(path.join(pkgDir, `${module}.d.ts`), 'utf8');
    for (const name of names) assert.ok(dts.includes(`export function ${name}(`), `${module}: ${name}`);
  }
});

test('sample draws seeded samples whose statistics match the exact law', () => {
  const request = { variances: [0.9, 0.3, 0.05], d: 2, steps: 40, stopTime: 1.9, method: 'exponential', n: 4000, seed: 3 };
  const drawn = sim.sample(request);
  assert.ok(drawn.latent instanceof Float64Array);
  assert.equal(drawn.latent.length, 8000);
  const law = sim.samplerLaw({ ...request, n: undefined, seed: undefined });
  assert.equal(drawn.lawFd2, law.fd2[40]);
  assert.equal(drawn.continuousFd2, law.continuousFd2[40]);
  // Each coordinate's mean square within 4 standard errors of its law variance, read back from the
  // law's dF² one coordinate at a time would be circular; the continuous stationary law is exact:
  // a² + b²σ² at T − t = 0.1 for the exact score, and the 40-step law is within 1% of it.
  const ou = (tau, s2) => Math.exp(-2 * tau) * s2 + 1 - Math.exp(-2 * tau);
  for (const [k, s2] of [[0, 0.9], [1, 0.3]]) {
    let sum = 0;
    for (let i = 0; i < 4000; i++) sum += drawn.latent[i * 2 + k] ** 2;
    const v = ou(0.1, s2);
    assert.ok(Math.abs(sum / 4000 - v) < 4 * v * Math.sqrt(2 / 4000) + 0.01 * v, `k=${k}: ${sum / 4000} vs ${v}`);
  }
  assert.deepEqual(sim.sample(request).latent, drawn.latent, 'seeded');
  assert.notDeepEqual(sim.sample({ ...request, seed: 4 }).latent, drawn.latent);
  assert.ok(Math.abs(drawn.empiricalFd2 - drawn.lawFd2) < 0.05);
});

test('scatter chunks join into the columns of sample, and Monte Carlo runs are its slices', () => {
  const sampler = { variances: [0.9, 0.3, 0.05], d: 3, steps: 20, stopTime: 1.8 };
  const full = sim.sample({ ...sampler, n: 30, seed: 9 });
  const first = sim.scatterChunk({ sampler, seed: 9, first: 0, count: 12, coordinates: [3, 1], frames: 5 });
  const second = sim.scatterChunk({ sampler, seed: 9, first: 12, count: 18, coordinates: [3, 1], frames: 5 });
  assert.deepEqual(Array.from(first.steps), [0, 5, 10, 15, 20]);
  const last = [...first.generated.subarray(4 * 24), ...second.generated.subarray(4 * 36)];
  const columns = [];
  for (let s = 0; s < 30; s++) columns.push(full.latent[s * 3 + 2], full.latent[s * 3]);
  assert.deepEqual(last, columns);
  // Run 2 of n = 10 holds samples 20…29. With d = 1 the empirical dF² is written out here: the
  // sample mean², (sample sd − σ1)² (1/n covariance) and the dropped variances 0.3 + 0.05.
  const one = { ...sampler, d: 1 };
  const run = sim.monteCarloRun({ sampler: one, seed: 9, run: 2, n: 10, checkpoints: 2 });
  assert.deepEqual(Array.from(run.steps), [10, 20]);
  const values = sim.sample({ ...one, n: 30, seed: 9 }).latent.subarray(20);
  const mean = values.reduce((a, b) => a + b) / 10;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / 10;
  const expected = mean ** 2 + (Math.sqrt(variance) - Math.sqrt(0.9)) ** 2 + 0.3 + 0.05;
  assert.ok(Math.abs(run.fd2[1] - expected) < 1e-12, `${run.fd2[1]} vs ${expected}`);
});

test('sampling requests name their bad field (n = 0, steps = 0, d > D, ...)', () => {
  const sampler = { variances: [0.9, 0.3], d: 2, steps: 10, stopTime: 1 };
  const cases = [
    [() => sim.sample({ ...sampler, n: 0, seed: 1 }), /^n: /],
    [() => sim.sample({ ...sampler, steps: 0, n: 5, seed: 1 }), /^steps: /],
    [() => sim.sample({ ...sampler, d: 3, n: 5, seed: 1 }), /^d: the latent dimension must be from 1 to D = 2/],
    [() => sim.sample({ ...sampler, n: 5 }), /^seed: /],
    [() => sim.scatterChunk({ sampler, seed: 1, count: 0, coordinates: [1, 2], frames: 3 }), /^count: /],
    [() => sim.scatterChunk({ sampler, seed: 1, count: 5, coordinates: [1, 3], frames: 3 }), /^coordinates\[1\]: /],
    [() => sim.scatterChunk({ sampler: { ...sampler, n: 4 }, seed: 1, count: 5, coordinates: [1], frames: 3 }), /^sampler\.n: /],
    [() => sim.scatterChunk({ sampler: { ...sampler, nn: 4 }, seed: 1, count: 5, coordinates: [1], frames: 3 }), /unknown field `nn`/],
    [() => sim.monteCarloRun({ sampler, seed: 1, run: 0, n: 1, checkpoints: 3 }), /^n: /],
    [() => sim.monteCarloRun({ sampler, seed: 1, run: 0, n: 10, checkpoints: 0 }), /^checkpoints: /],
    // The page's limit is the core's.
    [() => {
      const d = limits().maxMonteCarloDimension + 1;
      sim.monteCarloRun({ sampler: { variances: new Array(d).fill(1), d, steps: 1, stopTime: 1 }, seed: 1, run: 0, n: 2, checkpoints: 1 });
    }, /^sampler\.d: Monte Carlo runs take d up to 256/],
  ];
  for (const [call, pattern] of cases) {
    assert.throws(call, (e) => e instanceof Error && pattern.test(e.message), String(call));
  }
});

test('frechet matches a 2 × 2 case by hand and names bad input', () => {
  // A = [[2, 1], [1, 2]] (eigenvalues 3, 1) against I: tr A + 2 − 2(√3 + 1) = 4 − 2√3.
  assert.ok(Math.abs(sim.frechet({ cov1: [2, 1, 1, 2], cov2: [1, 0, 0, 1] }) - (4 - 2 * Math.sqrt(3))) < 1e-14);
  assert.ok(Math.abs(sim.frechet({ cov1: [1, 0, 0, 1], cov2: [1, 0, 0, 1], mean1: [3, 0], mean2: [0, 4] }) - 25) < 1e-12);
  const cases = [
    [{ cov1: [1, 2, 3], cov2: [1] }, /^cov1: must hold D × D values/],
    [{ cov1: [1, 0.5, 0.4, 1], cov2: [1, 0, 0, 1] }, /^cov1: is not symmetric/],
    [{ cov1: [1, 0, 0, 1], cov2: [1, 2, 2, 1] }, /^cov2: is not positive semi-definite/],
    [{ cov1: [1, 0, 0, NaN], cov2: [1, 0, 0, 1] }, /^cov1\[3\]: must be a finite number/],
    [{ cov1: [1], cov2: [1, 0, 0, 1] }, /^cov2: is 2 × 2 but cov1 is 1 × 1/],
    [{ cov1: [1], cov2: [1], mean1: [1, 2] }, /^mean1: holds 2 entries/],
  ];
  for (const [request, pattern] of cases) {
    assert.throws(() => sim.frechet(request), (e) => pattern.test(e.message), JSON.stringify(request));
  }
});

test('generalGaussian: the exact-basis curves are the diagonal ones, and bad input is named', () => {
  const eigenvalues = [1, 0.6, 0.36, 0.216, 0.1296];
  const general = sim.generalGaussian({ eigenvalues, rotationSeed: 4, n: 500, seed: 2, points: 64 });
  const diagonal = api.stoppingCurves({ variances: eigenvalues, points: 64 });
  for (let d = 0; d < 5; d++) {
    general.fd2Exact[d].forEach((v, i) => assert.ok(Math.abs(v - diagonal.fd2[d][i]) < 1e-12, `d = ${d + 1}`));
  }
  assert.deepEqual(Array.from(general.switchTimes), Array.from(diagonal.switchTimes));
  assert.deepEqual(Array.from(general.bestDim), Array.from(diagonal.bestDim));
  assert.deepEqual(Array.from(general.dims), [1, 2, 3, 4, 5]);
  const large = sim.generalGaussian({ eigenvalues: Array.from({ length: 200 }, (_, k) => 1 / (k + 1)), n: 400, seed: 1, points: 64 });
  assert.deepEqual(Array.from(large.dims), [1, 2, 4, 8, 16, 32, 64], 'the default dims stay quick');
  assert.equal(large.fd2.length, 7);
  // 500 samples estimate the spectrum to within half of each eigenvalue.
  assert.ok(general.estimatedEigenvalues.every((v, k) => Math.abs(v / eigenvalues[k] - 1) < 0.5));
  assert.equal(general.highProbability.lower[0], 0);
  assert.equal(general.highProbability.upper[4], 2);
  const bad = [
    [{ n: 10, seed: 1 }, /^eigenvalues: give either eigenvalues or a covariance/],
    [{ eigenvalues, n: 0, seed: 1 }, /^n: /],
    [{ covariance: [1, 2, 2, 1], n: 10, seed: 1 }, /^covariance: is not positive semi-definite/],
    [{ covariance: [1, 0, 0, 1], rotationSeed: 3, n: 10, seed: 1 }, /^rotationSeed: /],
    [{ eigenvalues, n: 10, seed: 1, dims: [6] }, /^dims\[0\]: must be from 1 to D = 5/],
    [{ eigenvalues: new Array(300).fill(1), n: 10, seed: 1, dims: [300] }, /^dims: points × Σ d³/],
    [{ eigenvalues, n: 10, seed: 1, u: -1 }, /^u: /],
  ];
  for (const [request, pattern] of bad) {
    assert.throws(() => sim.generalGaussian(request), (e) => pattern.test(e.message), JSON.stringify(request).slice(0, 80));
  }
});
