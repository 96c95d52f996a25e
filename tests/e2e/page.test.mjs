// The explorer in a real Chromium: every panel drawn, the state in the URL, bad input explained,
// exports well-formed and equal to the API's numbers, embed mode, phone width, both themes.
// Screenshots of every panel in both themes go to target/screenshots/ for review.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, sim } from '../js/load.mjs';
import { FIGURE_4_RIGHT } from '../../www/presets.js';
import { formatStop } from '../../www/format.js';
import { drawEveryPanel, launchChromium, whenDrawn } from './browser.mjs';

const url = process.env.LDM_EXPLORER_URL;
const skip = !url && 'LDM_EXPLORER_URL is unset (cargo xtask test sets it)';
const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'target', 'screenshots');
const FIG4_LEFT = [1, 0.6, 0.36, 0.216, 0.1296, 0.07776, 0.046656, 1e-10, 1e-10];
const PANELS = ['curves', 'scatter', 'best-dimension', 'spectrum', 'capped-variances', 'capped-distance', 'capped-curves', 'seeds', 'schedule'];

let browser;
test.before(async () => {
  if (skip) return;
  mkdirSync(screenshots, { recursive: true });
  browser = await launchChromium();
});
test.after(() => browser?.close());

/** Opens the page and records console errors, uncaught exceptions and requests to other hosts. */
async function open(hash = '', { colorScheme = 'light', width = 1280, height = 1000, search = '' } = {}) {
  const page = await browser.newPage({ viewport: { width, height }, colorScheme, acceptDownloads: true });
  const problems = [];
  const foreign = [];
  const pending = new Map();
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('request', (r) => pending.set(r, Date.now()));
  page.on('requestfinished', (r) => pending.delete(r));
  page.on('requestfailed', (r) => pending.delete(r));
  page.on('request', (r) => !r.url().startsWith(url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:') && foreign.push(r.url()));
  try {
    await page.goto(`${url}${search}${hash}`);
  } catch (error) {
    // Name the requests still open: a stalled load says where it stalled.
    const open = [...pending].map(([r, t]) => `${r.url()} (${Date.now() - t} ms)`);
    throw new Error(`${error.message.split('\n')[0]}; requests still open: ${open.join(', ') || 'none'}`);
  }
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  return { page, problems, foreign };
}

/** Pixels of a panel's canvas (or its cursor layer): a fingerprint, and how many differ from its corner. */
async function canvasPixels(page, panel, { layer = false } = {}) {
  const selector = panel.startsWith('#') ? panel : layer ? `canvas[data-cursor-for="${panel}"]` : `canvas[data-panel="${panel}"]`;
  await whenDrawn(page, selector);
  return page.evaluate((selector) => {
    const canvas = document.querySelector(selector);
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let ink = 0;
    let hash = 0;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) ink++;
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      hash = (hash * 31 + data[i] + data[i + 1] * 7 + data[i + 2] * 13) | 0;
    }
    return { ink, pixels: data.length / 4, colours: colours.size, hash, corner: [data[0], data[1], data[2]] };
  }, selector);
}

const hashOf = (page) => page.evaluate(() => location.hash);
const text = (page, selector) => page.$eval(selector, (e) => e.textContent);

test('every panel is drawn in both themes, with no error and no foreign request', { skip }, async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, problems, foreign } = await open('', { colorScheme });
    // The seeds study is drawn after the curves, a few seeds per task; then its panel is redrawn.
    await page.waitForFunction(() => /draws of n = /.test(document.getElementById('seeds-summary').textContent));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    for (const panel of PANELS) {
      const pixels = await canvasPixels(page, panel);
      assert.ok(pixels.ink > 0.02 * pixels.pixels && pixels.ink < 0.6 * pixels.pixels, `${colorScheme} ${panel}: ${pixels.ink}/${pixels.pixels}`);
      assert.ok(pixels.colours > 20, `${colorScheme} ${panel}: ${pixels.colours} colours`);
      assert.deepEqual(pixels.corner, colorScheme === 'dark' ? [22, 24, 29] : [255, 255, 255], `${colorScheme} ${panel} background`);
    }
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), colorScheme);
    // The formulas are laid out as MathML (a box of their own, in the text's colour), not as text.
    const formulas = await page.$$eval('.caption math', (all) => all.map((m) => {
      const box = m.getBoundingClientRect();
      return { tex: m.dataset.tex, block: m.getAttribute('display') === 'block', width: box.width, height: box.height, display: getComputedStyle(m).display, colour: getComputedStyle(m).color, text: getComputedStyle(m.closest('p')).color };
    }));
    assert.ok(formulas.length >= 11, `${formulas.length} formulas`);
    for (const f of formulas) {
      assert.ok(f.width > 8 && f.height > 8, `${colorScheme} ${f.tex}: ${f.width}×${f.height}`);
      assert.equal(f.display, f.block ? 'block math' : 'math', f.tex);
      assert.equal(f.colour, f.text, `${colorScheme} ${f.tex} in the caption's colour`);
    }
    // Prop 1 verdicts: the exact score never asks to stop early.
    assert.equal(await page.$$eval('#verdicts li', (items) => items.length), 9);
    assert.match(await text(page, '#readout'), /best latent dimension \d/);
    await page.waitForFunction(() => !window.ldmExplorer.simulating());
    for (const panel of ['data', 'curves', 'scatter', 'best-dimension', 'spectrum', 'capped', 'verdicts', 'seeds', 'schedule']) {
      await page.locator(`section[data-panel="${panel}"]`).screenshot({ path: path.join(screenshots, `${panel}-${colorScheme}.png`) });
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await drawEveryPanel(page);
    await page.screenshot({ path: path.join(screenshots, `explorer-${colorScheme}.png`), fullPage: true });
    assert.deepEqual(problems, []);
    assert.deepEqual(foreign, []);
    await page.close();
  }
});

test('moving the cursor slider changes the plot, the readout and the URL', { skip }, async () => {
  const { page, problems } = await open('#score=exact');
  const before = { pixels: await canvasPixels(page, 'curves', { layer: true }), readout: await text(page, '#readout'), hash: await hashOf(page) };
  assert.ok(before.pixels.ink > 100, 'the cursor line is drawn on its layer');
  await page.focus('#cursor');
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((old) => document.getElementById('readout').textContent !== old, before.readout);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const after = { pixels: await canvasPixels(page, 'curves', { layer: true }), readout: await text(page, '#readout'), hash: await hashOf(page) };
  assert.notEqual(after.pixels.hash, before.pixels.hash, 'the cursor line moved');
  // One line, moved (no second one left behind; it may pass behind the legend now).
  assert.ok(after.pixels.ink > 100 && after.pixels.ink <= before.pixels.ink, `one line, moved: ink ${before.pixels.ink} → ${after.pixels.ink}`);
  assert.notEqual(after.readout, before.readout);
  assert.match(after.hash, /cursor=/);
  const cursor = Number(new URLSearchParams(after.hash.slice(1)).get('cursor'));
  assert.ok(cursor < 1.5, `cursor moved left to ${cursor}`);
  // The readout's numbers are the closed form at the cursor: dF²(t; T) depends on T − t only, so the
  // first column of a request with final time T − t holds them.
  const atCursor = api.stoppingCurves({ variances: FIG4_LEFT, T: 2 - cursor, points: 2 });
  const readout = after.readout.match(/d=\d+: [^;.]+(\.\d+)?/g).map((entry) => entry.split(': ')[1]);
  assert.equal(readout.length, 9);
  readout.forEach((shown, k) => assert.equal(shown, atCursor.fd2[k][0].toPrecision(4), `d = ${k + 1} at t = ${cursor}`));
  // Across the legend the line stops short of it, and the legend's words stay clear.
  const frame = await page.evaluate(() => window.ldmExplorer.frames().curves);
  assert.ok(frame.legend, JSON.stringify(frame));
  const [left, top, right, bottom] = frame.legend;
  const across = frame.xMin + (((left + right) / 2 - frame.left) / (frame.right - frame.left)) * (frame.xMax - frame.xMin);
  await page.evaluate((t) => { location.hash = location.hash.replace(/cursor=[^&]*/, `cursor=${t.toFixed(3)}`); }, across);
  await page.waitForFunction((t) => location.hash.includes(`cursor=${t.toFixed(3)}`), across);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const inked = await page.evaluate(([left, top, right, bottom]) => {
    const layer = document.querySelector('canvas.cursor-layer[data-cursor-for="curves"]');
    const count = (y0, y1) => {
      const { data } = layer.getContext('2d').getImageData(left, y0, right - left, y1 - y0);
      let ink = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
      return ink;
    };
    return { over: count(top, bottom), above: count(0, top) + count(bottom, layer.height) };
  }, frame.legend);
  assert.equal(inked.over, 0, 'no cursor ink over the legend');
  assert.ok(inked.above > 20, `the line runs above and below it: ${inked.above} pixels`);
  // Changing a data value recomputes: C changes the capped panels and the URL.
  const capped = await canvasPixels(page, 'capped-distance');
  await page.fill('#C', '7');
  await page.waitForFunction(() => location.hash.includes('C=7'));
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.notEqual((await canvasPixels(page, 'capped-distance')).hash, capped.hash);
  assert.match(await text(page, '#capped-summary'), /C = 7\.000/);
  assert.deepEqual(problems, []);
  await page.close();
});

/** Waits until the worker has no job and the next frame is drawn. */
async function settled(page) {
  await page.waitForFunction(() => !window.ldmExplorer.simulating(), null, { timeout: 60000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Prop 1's sum for d = 1 … D, computed here from the variances (not by the module). */
function prop1Sums(variances, estimated) {
  let sum = 0;
  return variances.map((s2, k) => {
    const h2 = estimated[k];
    sum += h2 === 0 ? 1 : (1 - Math.sqrt(s2 / h2)) * (1 - h2);
    return sum;
  });
}

test('each figure preset opens from its link as printed, with the numbers to check it', { skip }, async () => {
  const cases = [
    { preset: 'fig4-left', variances: FIG4_LEFT, seed: 1, T: 2, window: [0.95, 2.05] },
    { preset: 'fig4-right', variances: FIGURE_4_RIGHT, seed: 2, T: 3, window: [-6.5, 7] },
  ];
  for (const { preset, variances, seed, T, window } of cases) {
    const { page, problems } = await open(`#preset=${preset}`);
    await page.waitForFunction(() => window.ldmExplorer?.summary());
    // The seeds study is drawn after the curves, a few seeds per task.
    await page.waitForFunction(() => /draws of n = /.test(document.getElementById('seeds-summary').textContent));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const shown = await page.evaluate(() => ({
      summary: window.ldmExplorer.summary(),
      state: window.ldmExplorer.state(),
      frame: window.ldmExplorer.frames().curves,
      verdicts: [...document.querySelectorAll('#verdicts li')].map((li) => li.textContent),
      seeds: document.getElementById('seeds-summary').textContent,
      data: document.getElementById('data-summary').textContent,
    }));
    // The paper's settings (Appendix D): plug-in from n = 1000 samples, 1000 steps, its axis window.
    assert.deepEqual([shown.state.score, shown.state.n, shown.state.seed, shown.state.T, shown.state.steps], ['plug-in', 1000, seed, T, 1000], preset);
    assert.deepEqual([shown.frame.xMin, shown.frame.xMax], window, `${preset}: the printed x window`);
    const estimatedVariances = api.estimateVariances({ variances, n: 1000, seed });
    const reference = api.stoppingCurves({ variances, estimatedVariances, T, points: 400 });
    assert.deepEqual(Array.from(shown.summary.switchTimesEstimated), Array.from(reference.switchTimesEstimated), `${preset}: t̂_d`);
    assert.deepEqual(Array.from(shown.summary.optimalStop), Array.from(reference.optimalStop), `${preset}: optimal stops`);
    // The seeds panel's share for the sampler's d against a loop over seeds 0–199 here.
    const d = shown.summary.dimension === 6 ? 4 : Number(shown.seeds.match(/^d = (\d+)/)[1]);
    let dips = 0;
    for (let s = 0; s < 200; s++) if (prop1Sums(variances, api.estimateVariances({ variances, n: 1000, seed: s }))[d - 1] < 0) dips++;
    assert.match(shown.seeds, new RegExp(`^d = ${d}: ${Math.round(dips / 2)}% of 200 draws of n = 1000 samples stop early`), preset);
    if (preset === 'fig4-right') {
      // The figure's phenomenon: d0 = 4 stops early at LogSNR ≈ 3.55, its distance half of that at T.
      assert.equal(dips, 91);
      const stop = reference.optimalStop[3];
      const logSnr = Math.log(Math.exp(-2 * (T - stop)) / -Math.expm1(-2 * (T - stop)));
      assert.ok(Math.abs(logSnr - 3.553) < 0.01, `d0 stops at LogSNR ${logSnr}`);
      assert.match(shown.verdicts[3], new RegExp(`^d = 4: stop early at t = ${stop.toFixed(3)}`));
      assert.match(shown.data, /With this draw d = 4 stops early; 46% of 200 draws stop early \(seeds panel\)\./);
    }
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('time plots zoom: typed windows, Shift-drag, double-click, and the link keeps the window', { skip }, async () => {
  const { page, problems } = await open('#preset=exponential&D=12');
  const frame = () => page.evaluate(() => window.ldmExplorer.frames().curves);
  const redrawn = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.deepEqual([(await frame()).xMin, (await frame()).xMax], [0, 2], 'the whole run at first');
  // A typed window enters the state, the link and every time plot.
  await page.fill('#xRange', '1.5, 2');
  await page.waitForFunction(() => location.hash.includes('xRange=1.5%2C2'));
  await redrawn();
  assert.deepEqual([(await frame()).xMin, (await frame()).xMax], [1.5, 2]);
  // Off screen, a plot is drawn when it comes near the window.
  await whenDrawn(page, 'canvas[data-panel="best-dimension"]');
  const best = await page.evaluate(() => window.ldmExplorer.frames()['best-dimension']);
  assert.deepEqual([best.xMin, best.xMax], [1.5, 2], 'the best-dimension plot follows');
  await page.evaluate(() => window.scrollTo(0, 0));
  // A bad window is explained beside its field, quoting it; the link keeps the last good one.
  await page.fill('#xRange', '2, 1');
  await page.waitForFunction(() => document.getElementById('xRange-message').textContent !== '');
  assert.match(await text(page, '#xRange-message'), /got "2, 1"/);
  assert.match(await hashOf(page), /xRange=1\.5%2C2/);
  await page.fill('#yRange', '0');
  await page.waitForFunction(() => document.getElementById('yRange-message').textContent !== '');
  assert.match(await text(page, '#yRange-message'), /got "0"/);
  // Double-click shows the whole run and clears both windows' messages.
  await page.dblclick('canvas[data-panel="curves"]');
  await page.waitForFunction(() => !location.hash.includes('xRange'));
  await redrawn();
  assert.deepEqual([(await frame()).xMin, (await frame()).xMax], [0, 2]);
  assert.equal(await text(page, '#xRange-message'), '');
  // Shift-drag across the middle half of the plot picks that x window.
  const f = await frame();
  const box = await page.locator('canvas[data-panel="curves"]').boundingBox();
  const scale = box.width / (await page.$eval('canvas[data-panel="curves"]', (c) => c.width));
  const at = (fraction) => box.x + (f.left + fraction * (f.right - f.left)) * scale;
  const y = box.y + ((f.top + f.bottom) / 2) * scale;
  await page.keyboard.down('Shift');
  await page.mouse.move(at(0.25), y);
  await page.mouse.down();
  await page.mouse.move(at(0.5), y, { steps: 4 });
  await page.mouse.move(at(0.75), y, { steps: 4 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await page.waitForFunction(() => location.hash.includes('xRange='));
  const [low, high] = (await page.evaluate(() => window.ldmExplorer.state().xRange)).split(',').map(Number);
  assert.ok(Math.abs(low - 0.5) < 0.02 && Math.abs(high - 1.5) < 0.02, `picked ${low}–${high}`);
  // Another axis drops the x window (it was in time units); a copied link restores a window.
  await page.selectOption('#axis', 'logSnr');
  await page.waitForFunction(() => !location.hash.includes('xRange='));
  const linked = await open('#preset=exponential&D=12&axis=logSnr&xRange=-2,6.5&yRange=0.001,10');
  await linked.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const restored = await linked.page.evaluate(() => window.ldmExplorer.frames().curves);
  assert.deepEqual([restored.xMin, restored.xMax], [-2, 6.5]);
  assert.equal(await linked.page.$eval('#yRange', (e) => e.value), '0.001,10');
  assert.deepEqual([...problems, ...linked.problems], []);
  await page.close();
  await linked.page.close();
});

test('a sampler draws its exact law and its Monte Carlo over the curves, and its steps are checked', { skip }, async () => {
  const { page, problems } = await open('#preset=fig4-right&seed=1&T=2&steps=50&samples=400&runs=10');
  const without = await canvasPixels(page, 'curves');
  const samplerExport = page.locator('.exports[data-panel="sampler"]');
  assert.equal(await samplerExport.isVisible(), false, 'no sampler CSV without the overlay');
  await page.check('#overlay');
  await page.waitForFunction(() => location.hash.includes('overlay=on'));
  await settled(page);
  assert.notEqual((await canvasPixels(page, 'curves')).hash, without.hash, 'the overlay is drawn');
  const svg = (await exported(page, 'curves', 'svg')).toString('utf8');
  assert.match(svg, /sampler, d = 4, 50 steps \(exact law\)/);
  assert.match(svg, /Monte Carlo: 10 runs of n = 400 \(simulated, 95% of runs\)/);
  assert.equal(await samplerExport.isVisible(), true);
  // Its numbers: the law after each step is samplerLaw's, and the Monte Carlo rows sit at checkpoints.
  const table = (await exported(page, 'sampler', 'csv')).toString('utf8').trim().split('\n');
  assert.equal(table[0], 't,lawFd2,monteCarloMean,monteCarloLower,monteCarloUpper');
  const estimatedVariances = api.estimateVariances({ variances: FIGURE_4_RIGHT, n: 1000, seed: 1 });
  const law = sim.samplerLaw({ variances: FIGURE_4_RIGHT, estimatedVariances, score: 'plug-in', d: 4, T: 2, steps: 50, stopTime: 2 });
  assert.equal(table.length, 52);
  table.slice(1).forEach((line, step) => assert.equal(Number(line.split(',')[1]), law.fd2[step], `step ${step}`));
  const withMonteCarlo = table.slice(1).filter((line) => !line.endsWith(',,,'));
  assert.equal(withMonteCarlo.length, 10);
  for (const line of withMonteCarlo) {
    const [, exact, mean, lower, upper] = line.split(',').map(Number);
    assert.ok(lower <= mean && mean <= upper && exact > 0, line);
  }
  await page.fill('#steps', '0');
  await page.waitForFunction(() => document.getElementById('steps-message').textContent !== '');
  assert.match(await text(page, '#steps-message'), /steps expects a whole number from 1 to 100000/);
  await page.fill('#steps', '20');
  await page.waitForFunction(() => location.hash.includes('steps=20'));
  await settled(page);
  assert.match((await exported(page, 'curves', 'svg')).toString('utf8'), /Monte Carlo: 10 runs/, 'rerun for 20 steps');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the scatter shows the worker\'s seeded samples, the same as sample() in Node, and follows the cursor', { skip }, async () => {
  const { page, problems } = await open('#score=exact&steps=50&cursor=2&samples=500&scatterX=2&scatterY=5');
  await settled(page);
  assert.match(await text(page, '#sim-status'), /Simulated: 500 samples, seed 1/);
  // At t = T the scatter's generated points are coordinates 2 and 5 of sample() with the same seed.
  const csv = (await exported(page, 'scatter', 'csv')).toString('utf8').trim().split('\n');
  assert.equal(csv[0], 'set,coordinate2,coordinate5');
  const generated = csv.filter((line) => line.startsWith('generated,')).map((line) => line.split(',').slice(1).map(Number));
  assert.equal(generated.length, 500);
  const drawn = sim.sample({ variances: FIG4_LEFT, d: 5, T: 2, steps: 50, stopTime: 2, method: 'euler-maruyama', score: 'exact', n: 500, seed: 1 });
  generated.forEach(([x, y], s) => {
    assert.equal(x, drawn.latent[s * 5 + 1], `sample ${s}, coordinate 2`);
    assert.equal(y, drawn.latent[s * 5 + 4], `sample ${s}, coordinate 5`);
  });
  assert.equal(csv.filter((line) => line.startsWith('data,')).length, 500);
  // The cursor moves the scatter to an earlier frame; the URL follows.
  const atEnd = await canvasPixels(page, 'scatter');
  await page.focus('#cursor');
  // Back to noise: Play then runs for its whole 4 s, long enough to be seen running.
  await page.keyboard.press('Home');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.notEqual((await canvasPixels(page, 'scatter')).hash, atEnd.hash, 'the scatter follows the cursor');
  // Play runs the cursor from noise to the stopping time of d, redrawing the scatter.
  await page.click('#play');
  assert.equal(await page.$eval('#play', (b) => b.getAttribute('aria-pressed')), 'true');
  await page.waitForFunction(() => document.getElementById('play').getAttribute('aria-pressed') === 'false', null, { timeout: 15000 });
  const { cursor, stop } = await page.evaluate(() => ({ cursor: window.ldmExplorer.state().cursor, stop: window.ldmExplorer.summary().optimalStop }));
  assert.ok(stop.includes(cursor), `the cursor ends at an optimal stop (${cursor})`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a long simulation shows progress and can be cancelled; bad sampling input is explained', { skip }, async () => {
  const { page, problems } = await open('#overlay=on&samples=20000&runs=200&steps=200');
  await page.waitForFunction(() => /Monte Carlo run \d+ of 200/.test(document.getElementById('sim-status').textContent));
  assert.equal(await page.$eval('#sim-progress', (p) => p.hidden), false);
  const readout = await text(page, '#readout');
  await page.fill('#d', '3'); // the page answers while the worker runs
  await page.waitForFunction((old) => document.getElementById('readout').textContent !== old || location.hash.includes('d=3'), readout);
  await page.click('#cancel');
  await page.waitForFunction(() => /Cancelled/.test(document.getElementById('sim-status').textContent));
  assert.equal(await page.$eval('#sim-progress', (p) => p.hidden), true);
  assert.equal(await page.$eval('#cancel', (b) => b.hidden), true);
  assert.equal(await page.evaluate(() => window.ldmExplorer.simulating()), false);
  await page.waitForTimeout(500);
  assert.match(await text(page, '#sim-status'), /Cancelled/, 'no progress after the cancel');
  // The checks below change d: without the overlay that starts no new long run.
  await page.uncheck('#overlay');
  const cases = [
    ['#samples', '0', '#samples-message', /samples expects a whole number from 2 to 20000/],
    ['#runs', '1', '#runs-message', /runs expects a whole number from 2 to 200/],
    ['#scatterX', '12', '#scatterX-message', /scatterX: the data has D = 9 coordinates, got 12/],
    ['#d', '12', '#d-message', /d: the data has D = 9 dimensions, got 12/],
    ['#steps', '0', '#steps-message', /steps expects a whole number from 1 to 100000/],
  ];
  for (const [control, value, message, pattern] of cases) {
    await page.fill(control, value);
    await page.waitForFunction((m) => document.querySelector(m).textContent !== '', message);
    assert.match(await text(page, message), pattern, `${control} = "${value}"`);
    assert.ok((await canvasPixels(page, 'scatter')).ink > 0, 'the scatter stays');
  }
  // Invalid values never enter the state: the last good ones are kept.
  const kept = await page.evaluate(() => window.ldmExplorer.state());
  assert.deepEqual([kept.samples, kept.runs, kept.steps, kept.scatterX], [20000, 200, 200, 12]);
  assert.deepEqual(problems, []);
  await page.close();
});

/** A seeded matrix of samples with a known covariance diag(4, 1, 0.25), written as CSV rows. */
function samplesCsv(rows) {
  let state = 12345;
  const uniform = () => ((state = (state * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const lines = ['a,b,c'];
  for (let i = 0; i < rows; i++) lines.push([2 * normal(), normal(), 0.5 * normal()].join(','));
  return lines.join('\n');
}

test('the reader\'s own data: a dropped CSV, a chosen .npy, pasted rows and broken files', { skip }, async () => {
  const { page, problems } = await open();
  // Drop a CSV of samples: its spectrum is previewed, then used.
  const csv = samplesCsv(4000);
  await page.evaluate((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'latents.csv', { type: 'text/csv' }));
    document.getElementById('drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, csv);
  await page.waitForFunction(() => !document.getElementById('upload-preview').hidden);
  assert.match(await text(page, '#upload-summary'), /latents\.csv: 4000 samples × 3 dimensions \(a header row skipped\)/);
  assert.ok((await canvasPixels(page, '#upload-spectrum')).ink > 0, 'the preview is drawn');
  await page.click('#upload-use');
  await page.waitForFunction(() => location.hash.includes('preset=custom'));
  const used = await page.$eval('#variances', (e) => e.value.split(',').map(Number));
  assert.equal(used.length, 3);
  // The sample covariance of 4000 draws: within 10% of diag(4, 1, 0.25).
  [4, 1, 0.25].forEach((v, k) => assert.ok(Math.abs(used[k] / v - 1) < 0.1, `${used[k]} vs ${v}`));
  assert.match(await text(page, '#data-summary'), /D = 3/);
  // A .npy of float32 variances through the file chooser.
  const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }";
  const padded = header.padEnd(64 - 10 - 1, ' ') + '\n';
  const npy = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0, padded.length, 0]), Buffer.from(padded), Buffer.from(new Float32Array([1, 0.5, 0.25, 0.125]).buffer)]);
  await page.setInputFiles('#upload', { name: 'spectrum.npy', mimeType: 'application/octet-stream', buffer: npy });
  await page.waitForFunction(() => /spectrum\.npy: 4 variances/.test(document.getElementById('upload-summary').textContent));
  // Pasted rows of samples go to the same reader.
  await page.focus('#variances');
  await page.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.setData('text/plain', '1 0\n-1 0\n0 2\n0 -2');
    document.getElementById('variances').dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => /pasted rows: 4 samples × 2 dimensions/.test(document.getElementById('upload-summary').textContent));
  // Broken files: the message names the line or field, and the plots and settings stay.
  const broken = [
    ['ragged.csv', '1,2,3\n4,5\n', /ragged\.csv: line 2: has 2 fields but the first row has 3/],
    ['words.csv', '1,2\n3,oops\n', /words\.csv: line 2, field 2: "oops" is not a number/],
    ['nan.csv', '1\nNaN\n', /nan\.csv: line 2, field 1: NaN is not allowed/],
    ['negative.txt', '1\n-0.5\n', /negative\.txt: value 2: a variance cannot be negative/],
    ['wrong.npy', Buffer.concat([npy.subarray(0, 10), Buffer.from(padded.replace('<f4', '<i8')), npy.subarray(10 + padded.length)]), /wrong\.npy: npy header: dtype '<i8'/],
  ];
  for (const [name, content, pattern] of broken) {
    await page.setInputFiles('#upload', { name, mimeType: 'text/plain', buffer: Buffer.from(content) });
    await page.waitForFunction(() => document.getElementById('upload-message').textContent !== '');
    assert.match(await text(page, '#upload-message'), pattern, name);
    assert.ok((await canvasPixels(page, 'curves')).ink > 0);
    assert.match(await text(page, '#data-summary'), /D = 3/, 'the data in use stays');
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('a 10 MB CSV is read in the worker with progress (printed, not asserted)', { skip }, async () => {
  const { page, problems } = await open();
  const rows = [];
  for (let i = 0; i < 180000; i++) rows.push(`${(i % 97) / 7.123456},${(i % 89) / 3.3},${(i % 83) / 11.7},${(i % 79) / 1.9}`);
  const csv = rows.join('\n');
  const progressSeen = page.waitForFunction(() => {
    const bar = document.getElementById('upload-progress');
    return !bar.hidden && bar.value > 0 && bar.value < 1;
  }, null, { polling: 5 });
  await page.setInputFiles('#upload', { name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForFunction(() => !document.getElementById('upload-preview').hidden, null, { timeout: 60000 });
  await progressSeen;
  const ms = await page.evaluate(() => window.ldmExplorer.timings.lastUploadMs);
  assert.match(await text(page, '#upload-summary'), /big\.csv: 180000 samples × 4 dimensions/);
  console.log(JSON.stringify({ csvMegabytes: csv.length / 1e6, uploadMs: ms }));
  assert.deepEqual(problems, []);
  await page.close();
});

test('a link restores the exact view it was copied from', { skip }, async () => {
  const hash = '#preset=power&alpha=2&D=30&score=plug-in&n=200&seed=5&T=1.5&C=50&cursor=0.7&axis=logSnr&theme=dark&d=3';
  const { page, problems } = await open(hash);
  const values = await page.evaluate(() => Object.fromEntries(['preset', 'alpha', 'D', 'n', 'seed', 'T', 'C', 'axis', 'theme', 'd'].map((id) => [id, document.getElementById(id).value])));
  assert.deepEqual(values, { preset: 'power', alpha: '2', D: '30', n: '200', seed: '5', T: '1.5', C: '50', axis: 'logSnr', theme: 'dark', d: '3' });
  assert.equal(await page.$eval('input[name="score"][value="plug-in"]', (e) => e.checked), true);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.match(await text(page, '#data-summary'), /D = 30, plug-in score from n = 200 samples \(seed 5; simulated\)/);
  assert.match(await text(page, '#readout'), /At t = 0\.700/);
  assert.equal(await hashOf(page), hash, 'the page writes back the same link');
  // The same state gives the same pixels: the view is restored exactly.
  const first = await canvasPixels(page, 'curves');
  const again = await open(hash);
  assert.equal((await canvasPixels(again.page, 'curves')).hash, first.hash);
  assert.deepEqual(problems, []);
  await page.close();
  await again.page.close();
});

test('a link pasted into the open page is followed, and the controls offer the module\'s names', { skip }, async () => {
  const { page, problems } = await open();
  const options = (id) => page.$$eval(`#${id} option`, (list) => list.map((o) => o.value));
  const names = api.names();
  assert.deepEqual(await options('schedule'), names.schedules);
  assert.deepEqual(await options('sampler'), names.methods);
  assert.deepEqual(await options('axis'), names.axes);
  assert.deepEqual(await options('imgScore'), names.imageScores);
  assert.deepEqual(await options('theme'), ['auto', ...names.themes]);
  // The steps field takes the module's bound (a text field: the message says it).
  await page.fill('#steps', String(api.limits().maxSteps + 1));
  await page.waitForFunction(() => document.getElementById('steps-message').textContent !== '');
  assert.match(await text(page, '#steps-message'), new RegExp(`from 1 to ${api.limits().maxSteps}, got "${api.limits().maxSteps + 1}"`));
  await page.fill('#steps', '1000');
  await page.waitForFunction(() => document.getElementById('steps-message').textContent === '');
  await page.evaluate(() => {
    location.hash = '#preset=power&alpha=2&D=20&cursor=0.7&oops=1';
  });
  await page.waitForFunction(() => /D = 20/.test(document.getElementById('data-summary').textContent));
  assert.equal(await page.$eval('#preset', (e) => e.value), 'power');
  assert.match(await text(page, '#readout'), /At t = 0\.700/);
  assert.match(await text(page, '#url-problems'), /unknown setting "oops" ignored/);
  assert.equal(await hashOf(page), '#preset=power&alpha=2&D=20&cursor=0.7', 'the page writes back the link it used');
  // The page's write of the view it had, queued before the paste's event arrives, must not win:
  // the pasted link is what the event carries.
  await page.evaluate(() => {
    const shown = location.hash;
    location.hash = '#preset=power&alpha=2&D=30';
    history.replaceState(null, '', shown);
  });
  await page.waitForFunction(() => /D = 30/.test(document.getElementById('data-summary').textContent));
  assert.equal(await hashOf(page), '#preset=power&alpha=2&D=30');
  assert.deepEqual(problems, []);
  await page.close();
});

test('bad input is explained beside its control and keeps the plots and the other settings', { skip }, async () => {
  const { page, problems } = await open('#preset=custom&variances=1,0.5,0.2&T=1.7');
  const good = await canvasPixels(page, 'curves');
  const cases = [
    ['#variances', '1, -1, 0.5', '#variances-message', /entry 2 \(-1\) is negative/],
    ['#variances', '1, abc', '#variances-message', /entry 2 \("abc"\) is not a number/],
    ['#variances', '', '#variances-message', /at least one variance/],
    ['#T', '-3', '#T-message', /T expects a time from 0.001 to 100/],
    ['#n', '0', '#n-message', /n expects a whole number from 1 to 50000000, got "0"/],
    ['#C', '0.5', '#C-message', /C expects a number above 1/],
    // What was typed is quoted, a word or a decimal comma included (the fields are text inputs).
    ['#T', 'two', '#T-message', /T expects a time from 0.001 to 100, got "two"/],
    ['#C', '1,5', '#C-message', /C expects a number above 1, got "1,5"/],
    ['#n', '1e', '#n-message', /got "1e"/],
  ];
  for (const [control, value, message, pattern] of cases) {
    if (control === '#n') await page.check('input[name="score"][value="plug-in"]');
    await page.fill(control, value);
    await page.waitForFunction((m) => document.querySelector(m).textContent !== '', message);
    assert.match(await text(page, message), pattern, `${control} = "${value}"`);
    assert.equal((await canvasPixels(page, 'curves')).ink > 0, true, 'the plots stay');
    await page.fill(control, control === '#variances' ? '1,0.5,0.2' : control === '#T' ? '1.7' : control === '#n' ? '1000' : '100');
    await page.waitForFunction((m) => document.querySelector(m).textContent === '', message);
  }
  assert.equal(await page.$eval('#T', (e) => e.value), '1.7', 'the other settings are kept');
  // ↑ and ↓ step a numeric field as a number input would.
  await page.focus('#T');
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction(() => window.ldmExplorer.state().T === 1.8);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => window.ldmExplorer.state().T === 1.6);
  assert.equal(await page.$eval('#T', (e) => e.value), '1.6');
  // A dimension over the documented limit.
  await page.selectOption('#preset', 'power');
  await page.fill('#D', String(api.limits().maxDimension + 1));
  await page.waitForFunction(() => document.getElementById('D-message').textContent !== '');
  assert.match(await text(page, '#D-message'), /at most 4096 dimensions/);
  assert.ok((await canvasPixels(page, 'curves')).ink > 0.02 * good.pixels);
  assert.deepEqual(problems, []);
  await page.close();

  // A malformed link: its bad fields are named, the rest of it is used, and the page still draws.
  const broken = await open('#T=abc&D=-3&foo=1&preset=exponential&lambda=3');
  assert.match(await text(broken.page, '#url-problems'), /T expects a time from 0.001 to 100, got "abc"; kept 2/);
  assert.match(await text(broken.page, '#url-problems'), /unknown setting "foo"/);
  assert.match(await text(broken.page, '#url-problems'), /D expects a whole number ≥ 1, got "-3"/);
  assert.equal(await broken.page.$eval('#preset', (e) => e.value), 'exponential');
  assert.equal(await broken.page.$eval('#lambda', (e) => e.value), '3');
  assert.ok((await canvasPixels(broken.page, 'curves')).ink > 0);
  assert.deepEqual(broken.problems, []);
  await broken.page.close();
});

test('a variance near f64\'s overflow is refused beside its field, and the page keeps working', { skip }, async () => {
  const { page, problems } = await open('#preset=custom&variances=1e308');
  assert.match(await text(page, '#variances-message'), /variances\[0\]: a variance can be at most 1e100, got 1e308/);
  assert.ok((await canvasPixels(page, 'curves')).ink > 0, 'the defaults are drawn meanwhile');
  await page.fill('#variances', '1, 0.5');
  await page.waitForFunction(() => document.getElementById('variances-message').textContent === '');
  assert.match(await hashOf(page), /variances=1%2C\+?0\.5|variances=1,\s*0\.5|variances=1%2C%200\.5/);
  // Huge but allowed: the log axes stay finite, every panel draws.
  await page.fill('#variances', '1e100, 1e-300, 0');
  await page.waitForFunction(() => /D = 3/.test(document.getElementById('data-summary').textContent));
  for (const panel of PANELS) assert.ok((await canvasPixels(page, panel)).ink > 0, panel);
  assert.deepEqual(problems, []);
  await page.close();
  const lowRank = await open('#preset=low-rank&sigma2=1e308');
  assert.match(await text(lowRank.page, '#url-problems'), /sigma2 expects a variance above 0 and at most 1e\+100, got "1e308"/);
  assert.deepEqual(lowRank.problems, []);
  await lowRank.page.close();
});

test('at large D the verdicts come 256 at a time, each as the API states it, by keyboard too', { skip }, async () => {
  const variances = Array.from({ length: 600 }, (_, i) => 2 ** -(i + 1));
  const estimatedVariances = api.estimateVariances({ variances, n: 2, seed: 1 });
  const curves = api.stoppingCurves({ variances, estimatedVariances, T: 2, points: 400, schedule: 'ou' });
  const { page, problems } = await open('#preset=exponential&D=600&score=plug-in&n=2');
  const items = () => page.$$eval('#verdicts li', (all) => all.map((li) => li.textContent));
  assert.equal((await items()).length, 256);
  assert.equal(await text(page, '#verdicts-more'), 'Show d = 257–512 (of 600)');
  await page.focus('#verdicts-more');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#verdicts li').length === 512);
  // Focus moves to the first verdict added.
  assert.match(await page.evaluate(() => document.activeElement.textContent), /^d = 257: /);
  await page.click('#verdicts-more');
  const all = await items();
  assert.equal(all.length, 600);
  assert.equal(await page.$eval('#verdicts-more', (b) => b.hidden), true);
  // From d = 87 on, each minimum lies within an ulp of T (Prop 1's sum is negative all the same): the
  // verdict says it cannot be resolved and runs to T.
  assert.ok(!curves.monotone[599] && curves.optimalStop[599] === 2);
  for (const d of [1, 5, 300, 600]) {
    const atT = curves.monotone[d - 1] || curves.optimalStop[d - 1] === 2;
    const expected = atT ? /run to T/ : new RegExp(`stop early at t = ${formatStop(curves.optimalStop[d - 1], 2)}`);
    assert.match(all[d - 1], expected, `d = ${d}`);
  }
  assert.match(all[599], /^d = 600: the distance rises only in the last instant before T, too little to resolve — run to T/);
  // A new n keeps the longer list.
  await page.fill('#n', '3');
  await page.press('#n', 'Enter');
  await page.waitForFunction(() => /n = 3 samples/.test(document.getElementById('data-summary').textContent));
  assert.equal((await items()).length, 600);
  assert.deepEqual(problems, []);
  await page.close();
});

test('at D = 4096 the optimal stops are found after the curves, a task at a time, and match the API', { skip }, async () => {
  const { page, problems } = await open('#preset=exponential&lambda=1.01&D=4096&score=plug-in&n=2');
  // The API's answer in one call (an Explorer with no verdictWork), in the page: 1.01^−k as the
  // page's JavaScript rounds it (Node's may differ in the last bit, and the roots with it).
  const stopsOf = (n) => page.evaluate(async (n) => {
    const api = await import('./pkg/ldm_explorer.js');
    const variances = Array.from({ length: 4096 }, (_, i) => 1.01 ** -(i + 1));
    const estimatedVariances = api.estimateVariances({ variances, n, seed: 1 });
    const explorer = new api.Explorer({ variances, estimatedVariances, T: 2, points: 400, schedule: 'ou', C: 100 });
    const { optimalStop, atOptimalStop } = explorer.summary();
    explorer.free();
    return { optimalStop: Array.from(optimalStop), atOptimalStop: Array.from(atOptimalStop) };
  }, n);
  await page.waitForFunction(() => window.ldmExplorer.summary().verdictsFound === 4096, null, { timeout: 60_000 });
  assert.equal(await page.$eval('#verdicts-progress', (p) => p.textContent), '');
  const summary = await page.evaluate(() => {
    const s = window.ldmExplorer.summary();
    return { optimalStop: Array.from(s.optimalStop), atOptimalStop: Array.from(s.atOptimalStop) };
  });
  // Found in chunks, they are the stops the API finds in one call.
  const curves = await stopsOf(2);
  assert.deepEqual(summary, curves);
  const first = await page.$eval('#verdicts li', (li) => li.textContent);
  assert.match(first, new RegExp(`^d = 1: stop early at t = ${curves.optimalStop[0].toFixed(3)}`));
  // A new n starts over: its model is installed with the stops of the smaller d only (the summary
  // as the progress line first changes, observed from before the change: reading it after the page
  // settles would race the search), the rest come later, the progress said meanwhile.
  await page.evaluate(() => {
    const progress = document.getElementById('verdicts-progress');
    window.progressSaid = [];
    window.foundWhenSaid = [];
    new MutationObserver(() => {
      window.progressSaid.push(progress.textContent);
      window.foundWhenSaid.push(window.ldmExplorer.summary().verdictsFound);
    }).observe(progress, { childList: true, characterData: true, subtree: true });
  });
  await page.fill('#n', '3');
  await page.press('#n', 'Enter');
  await page.waitForFunction(() => /n = 3 samples/.test(document.getElementById('data-summary').textContent));
  await page.waitForFunction(() => window.ldmExplorer.summary().verdictsFound === 4096, null, { timeout: 60_000 });
  const [said, found] = await page.evaluate(() => [window.progressSaid, window.foundWhenSaid[0]]);
  assert.ok(found > 0 && found < 4096, `${found} found at first`);
  assert.ok(said.length >= 2, `the progress changed ${said.length} times`);
  for (const line of said.slice(0, -1)) assert.match(line, /^Finding each d's optimal stop: \d+ of 4096 so far…$/);
  assert.equal(said.at(-1), '');
  assert.deepEqual(await page.evaluate(() => Array.from(window.ldmExplorer.summary().optimalStop)), (await stopsOf(3)).optimalStop);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a trap in the core is reported once and the model rebuilt from the settings', { skip }, async () => {
  const { page, problems } = await open('#preset=exponential&lambda=3&D=12');
  // Rust's panics reach JavaScript as a WebAssembly.RuntimeError: make the next readout trap.
  await page.evaluate(async () => {
    const { Explorer } = await import('./pkg/ldm_explorer.js');
    const readout = Explorer.prototype.readout;
    Explorer.prototype.readout = function () {
      Explorer.prototype.readout = readout;
      throw new WebAssembly.RuntimeError('unreachable (forced by the test)');
    };
  });
  await page.$eval('#cursor', (e) => { e.value = '0.4'; e.dispatchEvent(new Event('input')); });
  await page.waitForFunction(() => !document.getElementById('core-problem').hidden);
  assert.match(await text(page, '#core-problem'), /internal error \(unreachable \(forced by the test\)\) and was rebuilt/);
  // The rebuilt model answers: the cursor, a data change and the readout all work again.
  await page.$eval('#cursor', (e) => { e.value = '0.9'; e.dispatchEvent(new Event('input')); });
  await page.waitForFunction(() => /At t = 0\.900/.test(document.getElementById('readout').textContent));
  await page.fill('#D', '7');
  await page.waitForFunction(() => /D = 7/.test(document.getElementById('data-summary').textContent));
  assert.match(await hashOf(page), /D=7/);
  assert.deepEqual(problems, ['uncaught: unreachable (forced by the test)'], 'the one forced error, nothing after it');
  await page.close();
});

test('Play stops when T changes, and the cursor, slider, readout and link agree', { skip }, async () => {
  const { page, problems } = await open('#cursor=0');
  await page.click('#play');
  await page.waitForTimeout(300);
  await page.fill('#T', '0.5');
  await page.waitForTimeout(4500);
  const after = await page.evaluate(() => ({
    cursor: window.ldmExplorer.state().cursor,
    slider: Number(document.getElementById('cursor').value),
    pressed: document.getElementById('play').getAttribute('aria-pressed'),
    readout: document.getElementById('readout').textContent,
    hash: location.hash,
  }));
  assert.equal(after.pressed, 'false');
  assert.ok(after.cursor <= 0.5, `${after.cursor}`);
  assert.ok(Math.abs(after.slider - after.cursor) < 1e-9, `slider ${after.slider}, cursor ${after.cursor}`);
  assert.match(after.readout, new RegExp(`At t = ${after.cursor.toFixed(3).replace('.', '\\.')}`));
  assert.match(after.hash, new RegExp(`cursor=${after.cursor}(&|$)`));
  assert.deepEqual(problems, []);
  await page.close();
});

test('a refused value never enters a link; its error marks only its own field', { skip }, async () => {
  const { page, problems } = await open('#preset=exponential&D=20');
  await page.fill('#D', '4097');
  await page.waitForFunction(() => document.getElementById('D-message').textContent !== '');
  await page.$eval('#cursor', (e) => { e.value = '0.7'; e.dispatchEvent(new Event('input')); });
  await page.waitForFunction(() => location.hash.includes('cursor=0.7'));
  assert.match(await hashOf(page), /D=20(&|$)/);
  assert.doesNotMatch(await hashOf(page), /4097/);
  await page.fill('#D', '20');
  await page.waitForFunction(() => document.getElementById('D-message').textContent === '');
  await page.selectOption('#preset', 'low-rank');
  await page.fill('#d0', '30');
  await page.waitForFunction(() => document.getElementById('d0-message').textContent !== '');
  await page.$eval('#cursor', (e) => { e.value = '0.3'; e.dispatchEvent(new Event('input')); });
  await page.waitForFunction(() => location.hash.includes('cursor=0.3'));
  assert.match(await hashOf(page), /preset=low-rank/);
  assert.doesNotMatch(await hashOf(page), /d0=30/);
  await page.fill('#d0', '4');
  await page.waitForFunction(() => document.getElementById('d0-message').textContent === '');
  // n far past what a wasm usize holds: the field's own bound, quoting what was typed.
  await page.check('input[name="score"][value="plug-in"]');
  await page.fill('#n', '1e15');
  await page.waitForFunction(() => document.getElementById('n-message').textContent !== '');
  assert.match(await text(page, '#n-message'), /got "1e15"/);
  assert.doesNotMatch(await text(page, '#n-message'), /usize|Error:/);
  // One bad coordinate of the samples panel marks that input alone.
  await page.fill('#scatterY', '0');
  await page.waitForFunction(() => document.getElementById('scatterY-message').textContent !== '');
  const invalid = await page.$$eval('#panel-scatter input', (inputs) => inputs.filter((i) => i.getAttribute('aria-invalid') === 'true' || i.matches('.invalid input')).map((i) => i.id));
  assert.deepEqual(invalid, ['scatterY']);
  assert.deepEqual(problems, []);
  await page.close();
});

/** Clicks an export button and returns the downloaded file's bytes. */
async function exported(page, panel, kind) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`.exports[data-panel="${panel}"] button[data-export="${kind}"]`),
  ]);
  assert.equal(download.suggestedFilename(), `ldm-explorer-${panel}.${kind}`);
  const bytes = readFileSync(await download.path());
  // Headless Chromium drops a download that follows many others within a moment; a reader's
  // clicks are never that fast.
  await page.waitForTimeout(300);
  return bytes;
}

test('every plot exports PNG, SVG and CSV, and the CSV numbers are the API numbers', { skip }, async () => {
  const { page, problems } = await open();
  await page.waitForFunction(() => /draws of n = /.test(document.getElementById('seeds-summary').textContent));
  for (const panel of PANELS) {
    const png = await exported(page, panel, 'png');
    assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], `${panel}.png signature`);
    const svg = (await exported(page, panel, 'svg')).toString('utf8');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.nodeName, shapes: doc.querySelectorAll('polyline, circle, rect, line').length };
    }, svg);
    assert.equal(parsed.error, null, `${panel}.svg parses`);
    assert.equal(parsed.root, 'svg');
    assert.ok(parsed.shapes > 10, `${panel}.svg has its shapes`);
    const csv = (await exported(page, panel, 'csv')).toString('utf8').trim().split('\n');
    assert.ok(csv.length > 2 && csv.every((line) => line.split(',').length === csv[0].split(',').length), `${panel}.csv is rectangular`);
  }
  // The curves' CSV against stoppingCurves computed independently in Node.
  const csv = (await exported(page, 'curves', 'csv')).toString('utf8').trim().split('\n');
  // The page opens on Figure 4 left as printed: the plug-in score from n = 1000 samples, seed 1.
  const estimatedVariances = api.estimateVariances({ variances: FIG4_LEFT, n: 1000, seed: 1 });
  const reference = api.stoppingCurves({ variances: FIG4_LEFT, estimatedVariances, T: 2, points: 400 });
  const columns = (prefix) => FIG4_LEFT.map((_, k) => `${prefix}d=${k + 1}`).join(',');
  assert.equal(csv[0], `t,logSnr,${columns('plugin ')},${columns('exact ')}`);
  assert.equal(csv.length, 401);
  for (const i of [0, 123, 399]) {
    const row = csv[i + 1].split(',').map(Number);
    assert.equal(row[0], reference.t[i]);
    for (let d = 1; d <= 9; d++) {
      assert.equal(row[d + 1], reference.fd2[d - 1][i], `row ${i}, plug-in d = ${d}`);
      assert.equal(row[d + 10], reference.fd2Exact[d - 1][i], `row ${i}, exact d = ${d}`);
    }
  }
  const capped = (await exported(page, 'capped-distance', 'csv')).toString('utf8').trim().split('\n');
  const cappedReference = api.cappedScore({ variances: FIG4_LEFT, estimatedVariances, C: 100, T: 2, points: 400 });
  capped.slice(1).forEach((line, k) => assert.equal(Number(line.split(',')[1]), cappedReference.fd2ByDim[k]));
  assert.deepEqual(problems, []);
  await page.close();
});

test('embed mode shows one panel sized to its frame, with a link back', { skip }, async () => {
  for (const panel of ['curves', 'scatter', 'capped', 'seeds', 'schedule']) {
    const { page, problems } = await open('#preset=fig4-right', { search: `?embed=${panel}`, width: 640, height: 420 });
    const visible = await page.$$eval('section.panel', (sections) => sections.filter((s) => s.offsetParent !== null).map((s) => s.dataset.panel));
    assert.deepEqual(visible, [panel]);
    const link = await page.$eval('#full-explorer', (a) => ({ href: a.href, shown: a.offsetParent !== null }));
    assert.ok(link.shown);
    assert.ok(!link.href.includes('embed=') && link.href.includes('#preset=fig4-right'), link.href);
    const box = await page.$eval('section.embedded canvas.plot', (c) => c.getBoundingClientRect().toJSON());
    assert.ok(box.width > 560, `the plot fills the frame's width (${box.width}px)`);
    const fills = ['curves', 'scatter'].includes(panel);
    if (fills) assert.ok(box.bottom <= 420 && box.height > 140, `and fits its height (${box.top}–${box.bottom}px)`);
    else {
      // Stacked or side-by-side plots keep the page's proportions (the frame scrolls): the heights
      // the Embed control measured for its snippet.
      const heights = () => page.$$eval('section.embedded canvas.plot', (cs) => cs.map((c) => Math.round(c.getBoundingClientRect().height)));
      const shown = await heights();
      await page.evaluate(() => document.body.classList.add('measuring'));
      assert.deepEqual(shown, await heights(), `${panel}: its plots as measured`);
      await page.evaluate(() => document.body.classList.remove('measuring'));
    }
    if (panel === 'scatter') await settled(page);
    await page.screenshot({ path: path.join(screenshots, `embed-${panel}.png`) });
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('the Embed control writes a snippet sized to its panel, which shows the whole panel at 640 px', { skip }, async () => {
  const { page, problems } = await open('#preset=fig4-right&axis=t');
  await page.click('#embed-open');
  assert.equal(await page.$eval('#embed-dialog', (d) => d.open), true);
  for (const panel of ['curves', 'best-dimension', 'capped', 'verdicts']) {
    await page.selectOption('#embed-panel', panel);
    await page.fill('#embed-width', '640');
    await page.waitForSelector('#embed-snippet[data-measured="true"]', { timeout: 30000 });
    const snippet = await page.$eval('#embed-snippet', (e) => e.value);
    assert.match(snippet, new RegExp(`\\?embed=${panel}#preset=fig4-right&amp;axis=t"`));
    const [, height] = snippet.match(/width="640" height="(\d+)"/).map(Number);
    // The snippet in a blog-like page: the frame shows its whole panel, with nothing to scroll.
    const host = await browser.newPage({ viewport: { width: 720, height: height + 40 } });
    await host.setContent(`<!doctype html><body style="margin:20px">${snippet}</body>`);
    const frame = await (await host.waitForSelector('iframe')).contentFrame();
    await frame.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
    await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const fit = await frame.evaluate(() => {
      const root = document.documentElement;
      const panel = document.querySelector('section.embedded');
      const boxes = [...panel.querySelectorAll('canvas.plot, h2, .verdicts')].map((e) => e.getBoundingClientRect());
      return {
        overflow: [root.scrollWidth - root.clientWidth, root.scrollHeight - root.clientHeight],
        inside: boxes.every((b) => b.left >= 0 && b.top >= 0 && b.right <= innerWidth && b.bottom <= innerHeight),
        shown: boxes.length,
      };
    });
    assert.deepEqual(fit.overflow, [0, 0], `${panel} at 640 × ${height}`);
    assert.ok(fit.inside && fit.shown > 0, `${panel}: every plot lies inside the frame`);
    await host.screenshot({ path: path.join(screenshots, `embed-snippet-${panel}.png`) });
    await host.close();
  }
  await page.fill('#embed-width', '12x');
  assert.match(await text(page, '#embed-width-message'), /got "12x"/);
  assert.match(await page.$eval('#embed-snippet', (e) => e.value), /width="640"/, 'a refused width leaves the snippet as it was');
  await page.keyboard.press('Escape');
  assert.equal(await page.$eval('#embed-dialog', (d) => d.open), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test('at phone width nothing scrolls sideways and the plots are drawn', { skip }, async () => {
  const { page, problems } = await open('', { width: 375, height: 800 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  assert.ok((await canvasPixels(page, 'curves')).ink > 0);
  await drawEveryPanel(page);
  await page.screenshot({ path: path.join(screenshots, 'explorer-phone.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('timings: first curve after navigation, and a redraw at D = 1000 (printed, not asserted)', { skip }, async () => {
  const firstCurve = (page) => page.evaluate(() => performance.getEntriesByName('first-curve')[0].startTime);
  const opened = await open();
  const firstDefault = await firstCurve(opened.page);
  await opened.page.close();
  const { page } = await open('#preset=power&D=1000&alpha=1.5');
  const first = await firstCurve(page);
  const redraw = await page.evaluate(async () => {
    const slider = document.getElementById('cursor');
    const times = [];
    for (let i = 0; i < 30; i++) {
      slider.value = String(0.1 + i * 0.05);
      slider.dispatchEvent(new Event('input'));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      times.push(window.ldmExplorer.timings.lastCursorMs);
    }
    times.sort((a, b) => a - b);
    // A redraw of the plots themselves: highlight another d.
    const redraws = [];
    const d = document.getElementById('d');
    for (let i = 1; i <= 15; i++) {
      d.value = String(i * 7);
      d.dispatchEvent(new Event('input'));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      redraws.push(window.ldmExplorer.timings.lastDrawMs.curves);
    }
    redraws.sort((a, b) => a - b);
    // Dragging the cap: recompute the capped results, then redraw their three panels.
    const caps = [];
    const cap = document.getElementById('C-slider');
    for (let i = 0; i < 15; i++) {
      cap.value = String(0.5 + i * 0.2);
      cap.dispatchEvent(new Event('input'));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const t = window.ldmExplorer.timings;
      caps.push(t.lastCapMs + t.lastDrawMs['capped-variances'] + t.lastDrawMs['capped-distance'] + t.lastDrawMs['capped-curves']);
    }
    caps.sort((a, b) => a - b);
    return { medianCapDragMs: caps[7], medianCursorMoveMs: times[15], medianCurvesRedrawMs: redraws[7], lastDrawMs: window.ldmExplorer.timings.lastDrawMs };
  });
  assert.ok(Number.isFinite(first) && first > 0);
  await page.close();
  // The interactive scatter: n = 2000 samples of 500 steps, from a new seed to the drawn scatter,
  // with the worker warm (its first job also loads the simulation module).
  const scatterPage = (await open('#steps=500&samples=2000')).page;
  await settled(scatterPage);
  const coldScatterMs = await scatterPage.evaluate(() => window.ldmExplorer.timings.lastSimulationMs.scatter);
  const scatterMs = [];
  for (let seed = 2; seed <= 8; seed++) {
    await scatterPage.fill('#sampleSeed', String(seed));
    await settled(scatterPage);
    scatterMs.push(await scatterPage.evaluate(() => {
      const t = window.ldmExplorer.timings;
      return t.lastSimulationMs.scatter + t.lastDrawMs.scatter;
    }));
  }
  scatterMs.sort((a, b) => a - b);
  assert.ok(scatterMs.every(Number.isFinite));
  console.log(JSON.stringify({ firstCurveMsDefault: firstDefault, firstCurveMsD1000: first, ...redraw, coldScatterMs, medianScatterMs: scatterMs[3] }));
  await scatterPage.close();
});

test('the benchmark page measures every figure', { skip }, async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL('bench.html', url).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 120000 });
  const results = await page.evaluate(() => window.benchmark);
  assert.deepEqual(errors, []);
  // Without WebGPU in this browser, the image sampler's GPU figures are left out (tests/e2e/images
  // prints them on SwiftShader).
  assert.equal(Object.keys(results).length, 12);
  for (const [name, value] of Object.entries(results)) assert.ok(Number.isFinite(value) && value > 0, `${name}: ${value}`);
  console.log(JSON.stringify(results, null, 1));
  await page.close();
});

test('every view of docs/figures.md draws: its time plots inked, its images sampled, no error', { skip }, async () => {
  const figures = readFileSync(new URL('../../docs/figures.md', import.meta.url), 'utf8');
  const links = [...new Set([...figures.matchAll(/`(#[^`]+)`/g)].map((m) => m[1]))];
  assert.ok(links.length >= 8, `${links.length} links`);
  for (const link of links) {
    const { page, problems, foreign } = await open(link);
    await page.waitForFunction(() => /draws of n = /.test(document.getElementById('seeds-summary').textContent));
    for (const panel of PANELS) {
      const { ink, pixels } = await canvasPixels(page, panel);
      assert.ok(ink > 0.02 * pixels, `${link} ${panel}: ${ink}/${pixels}`);
    }
    if (/img/.test(link)) {
      // The images panel starts when it comes into view; its first d drawn is the view drawn.
      await page.$eval('#panel-images', (e) => e.scrollIntoView());
      await page.waitForFunction(() => window.ldmExplorer.images().parts.length > 0, null, { timeout: 120000 });
      assert.ok(!(await page.$eval('#image-results', (e) => e.hidden)), `${link}: images shown`);
      assert.match(await text(page, '#images-summary'), /Best stops: d = /, link);
    }
    assert.deepEqual(problems, [], link);
    assert.deepEqual(foreign, [], link);
    await page.close();
  }
});

test('panels far from the window wait to be drawn, near ones are drawn once, and printing draws them all', { skip }, async () => {
  const { page, problems } = await open('', { width: 1280, height: 900 });
  await page.waitForFunction(() => !window.ldmExplorer.stale('curves'));
  const far = ['schedule', 'seeds', 'capped-curves'];
  assert.deepEqual(await page.evaluate((far) => far.map((p) => window.ldmExplorer.stale(p)), far), [true, true, true], 'not drawn yet');
  // A load draws the curves once (a resize observer's first report is not a resize); a new size
  // draws them again, and likewise a panel without a cursor frame (the spectrum).
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => window.ldmExplorer.timings.draws.curves), 1);
  const drawnAtItsSize = (panel) => page.$eval(`canvas[data-panel="${panel}"]`, (c) => c.width === Math.round(c.clientWidth * devicePixelRatio));
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.waitForFunction(() => window.ldmExplorer.timings.draws.curves === 2 && !window.ldmExplorer.stale('curves'));
  assert.ok(await drawnAtItsSize('curves'), 'curves: drawn at the new size');
  await whenDrawn(page, 'canvas[data-panel="spectrum"]');
  const spectrumDraws = await page.evaluate(() => window.ldmExplorer.timings.draws.spectrum);
  await page.setViewportSize({ width: 1000, height: 900 });
  await page.waitForFunction((before) => window.ldmExplorer.timings.draws.spectrum === before + 1 && !window.ldmExplorer.stale('spectrum'), spectrumDraws);
  assert.ok(await drawnAtItsSize('spectrum'), 'spectrum: drawn at the new size');
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  for (const panel of far) {
    const drawn = await page.evaluate((panel) => {
      const canvas = document.querySelector(`canvas[data-panel="${panel}"]`);
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] !== data[0]) ink++;
      return { stale: window.ldmExplorer.stale(panel), ink: ink / (data.length / 4) };
    }, panel);
    assert.equal(drawn.stale, false, panel);
    assert.ok(drawn.ink > 0.02, `${panel}: ${drawn.ink}`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});
