// The page's fields read from a link, without a browser: each field by the module's own limits,
// duplicates reported (the first one counts), and messages that quote what the link said.
import test from 'node:test';
import assert from 'node:assert/strict';
import { api } from './load.mjs';
import { DEFAULTS, createFields, defaultsFor, tourView } from '../../www/state.js';
import { TOUR_STEPS } from '../../www/tour-steps.js';
import { PRESET_VIEWS } from '../../www/presets.js';

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
  const { minFinalTime, maxFinalTime } = api.limits();
  assert.deepEqual(readField('T', String(maxFinalTime)), { value: maxFinalTime });
  assert.deepEqual(readField('T', String(minFinalTime)), { value: minFinalTime });
  for (const outside of ['1e-320', '1e300', '0.0009', '100.5']) assert.match(readField('T', outside).error, /from 0.001 to 100, got/);
});

test('a state written to a hash reads back the same', () => {
  const state = { ...DEFAULTS, preset: 'low-rank', sigma2: 2.5, d0: 3, D: 40, T: 1.25, cursor: 0.5, n: 77, score: 'plug-in' };
  const read = parseHash(toHash(state));
  assert.deepEqual(read.problems, []);
  assert.deepEqual(read.state, state);
});

test('a link leaves out what its preset opens on: a figure preset alone is the figure as printed', () => {
  const right = parseHash('#preset=fig4-right');
  assert.deepEqual(right.problems, []);
  assert.deepEqual(right.state, { ...DEFAULTS, preset: 'fig4-right', ...PRESET_VIEWS['fig4-right'] });
  assert.equal(right.state.T, 3);
  assert.equal(toHash(right.state), '#preset=fig4-right');
  // The page's own default is Figure 4 left as printed; another preset drops the figure's view.
  assert.deepEqual(parseHash('').state, defaultsFor('fig4-left'));
  assert.equal(toHash(defaultsFor('fig4-left')), '');
  assert.deepEqual(parseHash('#preset=exponential').state, { ...DEFAULTS, preset: 'exponential' });
  // A field that differs from its preset's default is written, even when it is the global default.
  const exact = { ...defaultsFor('fig4-right'), score: 'exact', xRange: '' };
  assert.equal(toHash(exact), '#preset=fig4-right&score=exact&xRange=');
  assert.deepEqual(parseHash(toHash(exact)).state, exact);
  // Another axis, T or schedule on a link drops the figure's x window, as the page does.
  assert.equal(parseHash('#preset=fig4-right&axis=t').state.xRange, '');
  assert.equal(parseHash('#preset=fig4-right&T=2').state.xRange, '');
  assert.equal(parseHash('#preset=fig4-right&T=2&xRange=1,2').state.xRange, '1,2');
  assert.equal(toHash(parseHash('#preset=fig4-right&axis=t').state), '#preset=fig4-right&axis=t');
  // A bad window on such a link falls back the same way, and what the page writes reads back alike.
  for (const link of ['#T=3&xRange=NaN', '#xRange=NaN', '#axis=logSnr&xRange=1,2', '#T=3&xRange=0.95,2.05']) {
    const state = parseHash(link).state;
    assert.deepEqual(parseHash(toHash(state)).state, state, link);
  }
  assert.equal(parseHash('#T=3&xRange=NaN').state.xRange, '');
  assert.equal(parseHash('#xRange=NaN').state.xRange, '0.95,2.05');
  // A bad field keeps its preset's default, and says which.
  const bad = parseHash('#preset=fig4-right&T=abc');
  assert.equal(bad.state.T, 3);
  assert.match(bad.problems.join(), /T expects a time from 0.001 to 100, got "abc"; kept 3/);
});

test('windows: two numbers, low below high, within the module\'s axis limits; written canonically', () => {
  const { maxAxisValue, minLogAxisValue } = api.limits();
  assert.deepEqual(readField('xRange', ' 1.5 ,  2 '), { value: '1.5,2' });
  assert.deepEqual(readField('xRange', '-6.5;7'), { value: '-6.5,7' });
  assert.deepEqual(readField('xRange', ''), { value: '' });
  assert.deepEqual(readField('yRange', `${minLogAxisValue},1`), { value: `${minLogAxisValue},1` });
  for (const bad of ['2,1', '1,1', '1', '1,2,3', 'a,b', 'NaN,1', `-${maxAxisValue * 10},0`, '1,1.0000000001']) {
    assert.match(readField('xRange', bad).error, new RegExp(`got "${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`), bad);
  }
  for (const bad of ['0,1', '-1,1', '1e-310,1']) assert.ok(readField('yRange', bad).error, bad);
  const state = { ...DEFAULTS, axis: 'logSnr', xRange: '-2,6.5', yRange: '0.001,10' };
  assert.deepEqual(parseHash(toHash(state)).state, state);
});

test('every link of docs/figures.md and of the About panel is a view the page reads without a problem', async () => {
  const { readFileSync } = await import('node:fs');
  const figures = readFileSync(new URL('../../docs/figures.md', import.meta.url), 'utf8');
  const page = readFileSync(new URL('../../www/index.html', import.meta.url), 'utf8');
  const links = [...figures.matchAll(/`(#[^`]+)`/g), ...page.matchAll(/href="(#[^"]+)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
  assert.ok(links.length >= 10, `${links.length} links`);
  for (const link of links) assert.deepEqual(parseHash(link).problems, [], link);
});

test('a step of the reading: its link alone opens its view, and a change to it reads back', () => {
  assert.equal(TOUR_STEPS.length, 10);
  for (let n = 1; n <= TOUR_STEPS.length; n++) {
    const view = tourView(n);
    // Every setting of a step is one its control and its link accept.
    for (const [name, value] of Object.entries(TOUR_STEPS[n - 1].view)) {
      assert.deepEqual(readField(name, String(value)), { value }, `step ${n}: ${name}`);
    }
    assert.deepEqual(parseHash(`#tour=${n}`), { state: view, problems: [] }, `step ${n}`);
    assert.equal(toHash(view), `#tour=${n}`);
    const changed = { ...view, d: 3, theme: 'dark' };
    assert.equal(toHash(changed), `#tour=${n}&theme=dark${view.d === 3 ? '' : '&d=3'}`);
    assert.deepEqual(parseHash(toHash(changed)).state, changed);
    // Another preset during the step is written out, even the page's default one.
    const elsewhere = { ...defaultsFor(view.preset === 'fig4-left' ? 'power' : 'fig4-left'), tour: n };
    assert.match(toHash(elsewhere), /preset=/);
    assert.deepEqual(parseHash(toHash(elsewhere)), { state: elsewhere, problems: [] });
  }
  // Leaving the reading keeps the view: only the step goes.
  const left = { ...tourView(4), tour: 0 };
  assert.deepEqual(parseHash(toHash(left)).state, left);
  const beyond = parseHash('#tour=11&d=2');
  assert.equal(beyond.state.tour, 0);
  assert.equal(beyond.state.d, 2);
  assert.deepEqual(beyond.problems, ['tour expects a whole number from 0 to 10, got "11"; kept 0']);
});
