// The page's fields read from a link, without a browser: each field by the module's own limits,
// duplicates reported (the first one counts), and messages that quote what the link said.
import test from 'node:test';
import assert from 'node:assert/strict';
import { api } from './load.mjs';
import { DEFAULTS, createFields } from '../../www/state.js';

const { parseHash, readField, toHash } = createFields({ names: api.names(), limits: api.limits() });

test('a field given twice: the first counts and the second is reported', () => {
  const twice = parseHash('#D=5&D=6&preset=exponential');
  assert.equal(twice.state.D, 5);
  assert.deepEqual(twice.problems, ['D is given more than once; used the first, "5", and ignored "6"']);
  const badSecond = parseHash('#T=1&T=abc');
  assert.equal(badSecond.state.T, 1);
  assert.match(badSecond.problems.join(), /T is given more than once; used the first, "1", and ignored "abc"/);
  const badFirst = parseHash('#T=abc&T=1');
  assert.equal(badFirst.state.T, DEFAULTS.T, 'a bad first value keeps the default');
  assert.equal(badFirst.problems.length, 2);
});

test('bounds come from the core, and a refusal quotes the text', () => {
  const { maxSampledValues, maxVariance } = api.limits();
  assert.deepEqual(readField('n', String(maxSampledValues)), { value: maxSampledValues });
  assert.match(readField('n', '1e15').error, /whole number from 1 to \d+, got "1e15"/);
  assert.deepEqual(readField('sigma2', String(maxVariance)), { value: maxVariance });
  assert.match(readField('sigma2', '1e308').error, /at most 1e\+100, got "1e308"/);
  assert.match(readField('D', 'abc').error, /got "abc"/);
});

test('a state written to a hash reads back the same', () => {
  const state = { ...DEFAULTS, preset: 'low-rank', sigma2: 2.5, d0: 3, D: 40, T: 1.25, cursor: 0.5, n: 77, score: 'plug-in' };
  const read = parseHash(toHash(state));
  assert.deepEqual(read.problems, []);
  assert.deepEqual(read.state, state);
});
