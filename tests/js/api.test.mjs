// The JS API as a page or a reader's script calls it: shapes, defaults, numbers against formulas
// written out here in JS, and errors that name the field.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { api, pkgDir } from './load.mjs';

const { stoppingCurves, cappedScore, estimateVariances, limits } = api;

const FIG4_LEFT = [1, 0.6, 0.36, 0.216, 0.1296, 0.07776, 0.046656, 1e-10, 1e-10];

// dF²(t, d) for OU from THEORY.md §2, independently of the Rust code.
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
  // A coordinate whose σ̂² ≥ 1/C never meets the cap: THEORY.md's closed form.
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
  const law = api.samplerLaw({ ...base, steps: 50 });
  assert.ok(law.t instanceof Float64Array && law.fd2 instanceof Float64Array && law.continuousFd2 instanceof Float64Array);
  assert.equal(law.t.length, 51);
  assert.equal(law.t[50], 1.8);
  // A stationary start with the plug-in score: the continuous law is a²+b²σ̂² (THEORY §1), so its
  // dF² is stoppingCurves' plug-in value at the same time.
  const curves = stoppingCurves({ variances: base.variances, estimatedVariances: base.estimatedVariances, T: 2 - 1.8, points: 2 });
  assert.ok(Math.abs(law.continuousFd2[50] - curves.fd2[2][0]) < 1e-14);
  const fine = api.samplerLaw({ ...base, steps: 800 });
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
    assert.throws(() => api.samplerLaw(request), (e) => pattern.test(e.message), JSON.stringify(request));
  }
});

test('typed arrays are accepted as input', () => {
  const variances = new Float64Array([1, 0.5, 0.1]);
  assert.deepEqual(stoppingCurves({ variances, points: 8 }).fd2, stoppingCurves({ variances: [...variances], points: 8 }).fd2);
});

test('the TypeScript declarations name every export', () => {
  const dts = readFileSync(path.join(pkgDir, 'ldm_explorer.d.ts'), 'utf8');
  for (const name of ['stoppingCurves', 'cappedScore', 'estimateVariances', 'plotStoppingCurves', 'stoppingCurvesSvg', 'limits', 'samplerLaw']) {
    assert.ok(dts.includes(`export function ${name}(`), name);
  }
});
