// The sharing of a CPU run among the image worker and its helpers (www/workers/share.js), in Node:
// the helpers are served on MessageChannels in this one thread, with the image module's real
// RangeRunner, or are made to fall silent, fail or be lost; the runs are the image module's own.
import test from 'node:test';
import assert from 'node:assert/strict';
import { digitsBytes, images } from './load.mjs';
import { helperPool, serveRanges } from '../../www/workers/share.js';

const { ImageLab, RangeRunner } = images;
const lab = ImageLab.fromFile(digitsBytes);
const SAMPLES = 40;
const request = { d: 16, score: 'empirical', steps: 20, samples: SAMPLES, seed: 5 };
const loaded = () => Promise.resolve();
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** The run alone, in one go: what every shared run must equal. */
const alone = (() => {
  const run = lab.plan(request);
  run.runCpu(SAMPLES);
  return run.grid(lab, SAMPLES);
})();

/** A pool with helpers of the given kinds: 'serving' (a RangeRunner), 'silent' (ready, never answers), 'refusing'. */
function poolOf(kinds) {
  const pool = helperPool();
  const channels = kinds.map(() => new MessageChannel());
  const received = kinds.map(() => []);
  kinds.forEach((kind, i) => {
    const port = channels[i].port2;
    if (kind === 'serving') serveRanges(port, loaded, RangeRunner);
    else if (kind === 'refusing') serveRanges(port, loaded, class { constructor() { throw new Error('refused'); } });
    else {
      port.onmessage = ({ data }) => received[i].push(data.type);
      port.postMessage({ type: 'ready' });
    }
  });
  pool.add(channels.map((channel) => channel.port1));
  const close = () => channels.forEach((channel) => [channel.port1, channel.port2].forEach((port) => port.close()));
  return { pool, received, close };
}

/** Shares a fresh plan of the request; resolves to [workers, the run's samples, progress calls]. */
async function shared(pool, { superseded = () => false } = {}) {
  const run = lab.plan(request);
  let progressed = 0;
  const workers = await pool.share(run, { request, chunk: 4, progress: () => progressed++, superseded });
  const grid = workers ? run.grid(lab, SAMPLES) : null;
  run.free();
  return [workers, grid, progressed];
}

test('a run shared with helpers is the run alone, and says how many workers computed it', { timeout: 20000 }, async () => {
  const { pool, close } = poolOf(['serving', 'serving', 'serving']);
  await settle();
  const [workers, grid, progressed] = await shared(pool);
  assert.deepEqual(grid, alone);
  assert.ok(workers >= 2 && workers <= 4, `${workers} workers`);
  // One progress report a range: 40 samples in ranges of four.
  assert.equal(progressed, 10);
  // The helpers serve the next run as well (each rebuilds its plan).
  assert.deepEqual((await shared(pool))[1], alone);
  close();
});

test('a superseded run gives way at once and never takes the pool from the newer one', { timeout: 20000 }, async () => {
  const { pool, close } = poolOf(['serving', 'silent']);
  await settle();
  let current = 'newer';
  const newer = shared(pool, { superseded: () => current !== 'newer' });
  // An older run that reaches the pool after the newer one (its GPU run failed, say).
  const [older] = await shared(pool, { superseded: () => current !== 'older' });
  assert.equal(older, 0);
  const [workers, grid] = await newer;
  assert.deepEqual(grid, alone);
  assert.ok(workers >= 1);
  // A run superseded while it waits on a helper wakes and gives way.
  const waiting = shared(pool, { superseded: () => current !== 'waiting' });
  current = 'waiting';
  await settle();
  current = 'next';
  pool.wake();
  assert.equal((await waiting)[0], 0);
  close();
});

test('a helper that never answers, refuses its plan or is lost cannot stall or change a run', { timeout: 20000 }, async () => {
  for (const kinds of [['silent'], ['refusing', 'serving'], ['silent', 'silent', 'serving']]) {
    const { pool, received, close } = poolOf(kinds);
    await settle();
    const [workers, grid] = await shared(pool);
    assert.deepEqual(grid, alone, kinds.join());
    assert.ok(workers >= 1, `${kinds}: ${workers}`);
    // A silent helper was handed ranges (and its plan) and got them taken back.
    kinds.forEach((kind, i) => kind === 'silent' && assert.ok(received[i].includes('range'), `${kinds}: ${received[i]}`));
    close();
  }
  // A helper the page reports lost gives back what it held at once.
  const { pool, close } = poolOf(['silent', 'silent']);
  await settle();
  const run = shared(pool);
  await settle();
  pool.lose(0);
  pool.lose(1);
  pool.lose(7); // no such helper: nothing happens
  assert.deepEqual((await run)[1], alone);
  close();
});
