// The image module (ldm_images) in Node: its CPU engine, its errors, and its GPU engine's refusal
// where there is no WebGPU (the browser tests run the GPU path).
import test from 'node:test';
import assert from 'node:assert/strict';
import { api, digitsBytes, images, sim } from './load.mjs';
import { createFields } from '../../www/state.js';

const { GpuEngine, ImageLab, imageLimits } = images;
const request = { d: 16, score: 'gaussian', steps: 100, samples: 40, seed: 3 };

test('a CPU run in chunks is the run in one go, and its closed form is samplerLaw\'s', () => {
  const lab = ImageLab.fromFile(digitsBytes);
  const info = lab.info();
  assert.deepEqual([info.count, info.width, info.height, info.variances.length, info.labels.length], [1797, 8, 8, 64, 1797]);
  const whole = lab.plan(request);
  assert.equal(whole.runCpu(40), 40);
  const chunked = lab.plan(request);
  // Chunks are rounded up to the engine's blocks of four samples.
  for (const expected of [8, 16, 24, 32, 40]) assert.equal(chunked.runCpu(7), expected);
  // A count past u32 (a negative one) runs what is left, not nothing.
  const all = lab.plan(request);
  assert.equal(all.runCpu(-1), 40);
  all.free();
  assert.deepEqual(chunked.grid(lab, 8), whole.grid(lab, 8));
  const summary = whole.summary(lab, 8);
  // The Gaussian score's law: the exact-score sampler on the PCA variances, through the other module.
  const law = sim.samplerLaw({ variances: info.variances, d: 16, steps: 100, stopTime: 2, T: 2, score: 'exact' });
  assert.deepEqual(summary.lawFd2, law.fd2);
  assert.deepEqual(summary.lawT, law.t);
  assert.equal(summary.t.length, 21);
  summary.steps.forEach((step, f) => assert.equal(summary.lawT[step], summary.t[f], `frame ${f}`));
  assert.equal(summary.nearest.length, 21 * 8);
  assert.ok(summary.nearest.every((i) => i < 1797));
  assert.throws(() => lab.plan(request).summary(lab, 8), /run: not finished/);
});

test('a run shared with a RangeRunner (the plan rebuilt elsewhere) is the run in one go', () => {
  const { RangeRunner } = images;
  const lab = ImageLab.fromFile(digitsBytes);
  const shared = { ...request, score: 'empirical', samples: 12, steps: 30, unitVariance: true };
  const whole = lab.plan(shared);
  whole.runCpu(12);
  const run = lab.plan(shared);
  const { variances, training } = run.planInputs();
  assert.equal(variances.length, 64);
  assert.equal(training.length, 1797 * 16);
  const runner = new RangeRunner(shared, variances, training);
  assert.equal(run.setSamples(4, runner.run(4, 12)), 8);
  assert.throws(() => run.setSamples(8, runner.run(8, 10)), /^Error: samples: 8\.\.10 overlaps samples already in/);
  assert.throws(() => runner.run(10, 13), /^Error: samples: 10\.\.13 is not a range of the run's samples 0\.\.12/);
  assert.equal(run.runCpuRange(0, 4), 12);
  assert.deepEqual(run.grid(lab, 12), whole.grid(lab, 12));
  assert.deepEqual(run.summary(lab, 8).empiricalFd2, whole.summary(lab, 8).empiricalFd2);
  // A runner needs the training latents of the request's d.
  assert.throws(() => new RangeRunner(shared, variances, training.subarray(1)), /^Error: images: the empirical score needs training latents of 16 coordinates/);
  runner.free();
});

test('bad image sets and requests name their field', () => {
  const lab = ImageLab.fromFile(digitsBytes);
  const cases = [
    [() => lab.plan({ ...request, d: 100 }), /^d: must be from 1 to 64, got 100/],
    [() => lab.plan({ ...request, score: 'x' }), /^score: unknown score "x"/],
    [() => lab.plan({ ...request, dd: 1 }), /^plan: unknown field `dd`/],
    [() => lab.plan({ ...request, steps: 0 }), /^steps: must be from 1/],
    [() => lab.plan({ ...request, samples: 1e6 }), /^samples: must be from 1 to 65536/],
    [() => lab.plan({ ...request, schedule: 'rectified-flow', T: 1 }), /^schedule: sampling needs a variance-preserving schedule/],
    [() => ImageLab.fromFile(new Uint8Array([1, 2, 3])), /^file: is not an image set/],
    [() => ImageLab.fromSpriteSheet(6, 4, new Uint8Array(96), 4, 2), /^tile: 4×2 tiles do not divide the 6×4 sheet/],
    [() => ImageLab.fromImages([2], [2, 3], new Uint8Array(16)), /^images: as many widths as heights/],
    [() => ImageLab.fromImages([2, 2], [2, 2], new Uint8Array(20)), /^images: the RGBA bytes end before the last image/],
    [() => ImageLab.fromImages([2], [2], new Uint8Array(16)), /^images: holds 1 image\(s\); at least 2/],
    [() => lab.images([5000]), /^indices: image 5000 is past the last/],
  ];
  for (const [call, message] of cases) assert.throws(call, (error) => message.test(error.message), String(message));
});

test('without WebGPU the GPU engine is refused with a reason, not a trap', async () => {
  await assert.rejects(GpuEngine.create(), /^Error: gpu: this environment has no WebGPU/);
});

test('the page accepts exactly the samples and steps the module does', () => {
  const { maxSamples, maxSteps } = imageLimits();
  const { readField } = createFields({ names: api.names(), limits: api.limits() });
  const lab = ImageLab.fromFile(digitsBytes);
  for (const [field, key, largest] of [['imgSamples', 'samples', maxSamples], ['imgSteps', 'steps', maxSteps]]) {
    assert.equal(readField(field, String(largest)).error, undefined, `${field} = ${largest}`);
    assert.match(readField(field, String(largest + 1)).error, /expects/, `${field} = ${largest + 1}`);
    assert.throws(() => lab.plan({ ...request, [key]: largest + 1 }), (error) => error.message.startsWith(`${key}:`));
  }
});

test('held out: the split set fits on its training images and measures against the rest', () => {
  const whole = ImageLab.fromFile(digitsBytes);
  assert.equal(whole.info().heldOut, 0);
  const lab = whole.holdOut(1000);
  const info = lab.info();
  assert.deepEqual([info.count, info.heldOut], [1000, 797]);
  const run = lab.plan(request);
  run.runCpu(40);
  const summary = run.summary(lab, 8);
  assert.equal(summary.heldOut, 797);
  assert.equal(summary.lawAtFrames.length, summary.t.length);
  // The line reaches T and holds every frame's value; its start is the pure-noise law's distance.
  assert.equal(summary.lawT.at(-1), 2);
  summary.t.forEach((t, f) => assert.equal(summary.lawFd2[summary.lawT.indexOf(t)], summary.lawAtFrames[f], `frame ${f}`));
  // Against held-out images the end is not the training view's (which the split set changes too).
  const training = whole.plan(request);
  training.runCpu(40);
  assert.notEqual(summary.lawAtFrames.at(-1), training.summary(whole, 8).lawAtFrames.at(-1));
  assert.throws(() => whole.holdOut(1796), /nTrain: must leave at least 2 images on each side: from 2 to 1795 for these 1797, got 1796/);
});

test('unit-variance latents: the same run in image units, started from noise of another scale', () => {
  const lab = ImageLab.fromFile(digitsBytes);
  const plain = lab.plan({ ...request, d: 64 });
  const unit = lab.plan({ ...request, d: 64, unitVariance: true });
  plain.runCpu(40);
  unit.runCpu(40);
  const [a, b] = [plain.summary(lab, 8), unit.summary(lab, 8)];
  // The noise at t = 0 is the scaled latents' unit noise: far from the data in image units.
  assert.ok(Math.abs(b.lawAtFrames[0] - a.lawAtFrames[0]) > 0.1 * a.lawAtFrames[0], `${b.lawAtFrames[0]} vs ${a.lawAtFrames[0]}`);
  assert.throws(() => lab.plan({ ...request, unitVariance: 'yes' }), /unitVariance/);
});
