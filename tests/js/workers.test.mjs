// The workers' loading of their wasm: a load that fails (offline) is reported where it is used,
// never as an unhandled rejection, and the next use loads it again.
import test from 'node:test';
import assert from 'node:assert/strict';
import { wasmLoader } from '../../www/workers/wasm-loader.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

test('a failed load is no unhandled rejection, and the next use loads again', async () => {
  const unhandled = [];
  const record = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', record);
  try {
    const attempts = [];
    const init = () => {
      attempts.push(attempts.length);
      return attempts.length === 1 ? Promise.reject(new TypeError('Failed to fetch')) : Promise.resolve('module');
    };
    // Started at once, failed before anything awaited it: nobody is told, and nothing is thrown.
    const loaded = wasmLoader(init);
    assert.equal(attempts.length, 1);
    await settle();
    assert.deepEqual(unhandled, []);
    // The next use loads again and gets the module; later uses share that load.
    assert.equal(await loaded(), 'module');
    assert.equal(await loaded(), 'module');
    assert.equal(attempts.length, 2);
  } finally {
    process.off('unhandledRejection', record);
  }
});

test('a use that waits on a failing load is told why, once, and the one after loads again', async () => {
  let fail = true;
  let attempts = 0;
  const loaded = wasmLoader(() => {
    attempts += 1;
    return new Promise((resolve, reject) => setTimeout(() => (fail ? reject(new TypeError('Failed to fetch')) : resolve('module')), 5));
  });
  await assert.rejects(loaded(), /Failed to fetch/);
  assert.equal(attempts, 1, 'the waiting use shared the first load');
  fail = false;
  assert.equal(await loaded(), 'module');
  assert.equal(attempts, 2);
});
