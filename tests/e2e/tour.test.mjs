// The guided reading in a real Chromium: every step opens from its link, highlights its panel in
// view, and states a live check equal to the same number computed here through the modules' API
// (independently of the page); the keyboard walks the steps; leaving keeps the view; the embed
// shows the card with the step's panel. Screenshots go to target/screenshots/tour-*.png.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './browser.mjs';
import { api, images, sim } from '../js/load.mjs';
import { FIGURE_4_LEFT, FIGURE_4_RIGHT } from '../../www/presets.js';
import { TOUR_STEPS } from '../../www/tour-steps.js';

const url = process.env.LDM_EXPLORER_URL;
const skip = !url && 'LDM_EXPLORER_URL is unset (cargo xtask test sets it)';
const here = path.dirname(fileURLToPath(import.meta.url));
const screenshots = path.join(here, '..', '..', 'target', 'screenshots');

const range = (D, f) => Array.from({ length: D }, (_, i) => f(i + 1));
const curves = (variances, { n, seed, T = 2 } = {}) =>
  api.stoppingCurves({ variances, estimatedVariances: n ? api.estimateVariances({ variances, n, seed }) : undefined, T });

/** Each step's number, computed through the API from the settings the step's view names. */
const EXPECTED = [
  () => curves([2, 2, 2, 2, 0, 0], { n: 20, seed: 1 }).optimalStop[3],
  () => curves(FIGURE_4_LEFT, { n: 1000, seed: 1 }).switchTimes[3],
  () => curves(range(9, (k) => 2 ** -k), { n: 50, seed: 1 }).prop1Sum[4],
  () => curves(FIGURE_4_RIGHT, { n: 1000, seed: 2, T: 3 }).optimalStop[3],
  () => {
    const explorer = new api.Explorer({ variances: FIGURE_4_RIGHT, estimatedVariances: api.estimateVariances({ variances: FIGURE_4_RIGHT, n: 1000, seed: 2 }), T: 3, C: 100 });
    explorer.studySeeds(1000, 200);
    while (explorer.advanceSeeds(50) < 200);
    return explorer.seedSummary(2).dipShare[3];
  },
  () => api.cappedScore({ variances: range(8, (k) => 20 ** -k), C: 8000 }).dMin,
  () => Array.from(curves(range(12, (k) => k ** -1.5)).switchTimes).find((t) => t > 0 && t < 2),
  () => {
    const explorer = new api.Explorer({ variances: FIGURE_4_LEFT, T: 2, C: 100 });
    explorer.setSampler('euler-maruyama', 20, true);
    return sim.samplerLaw(explorer.samplerRequest(7)).fd2.at(-1);
  },
  () => {
    // The Gaussian score's best stop is on its exact law: the number of samples does not enter.
    const fashion = new Uint8Array(readFileSync(path.join(here, '..', '..', 'www', 'data', 'fashion-mnist.ldmimg.gz')));
    const lab = images.ImageLab.fromFile(fashion).holdOut(300);
    const run = lab.plan({ d: 784, score: 'gaussian', steps: 200, samples: 16, seed: 1, unitVariance: true });
    run.runCpu(16);
    return run.summary(lab, 8).stopT;
  },
  () => curves([5, 2, 1, 0.4, 0.1, 0.02], { n: 100, seed: 1 }).monotone.filter((m) => !m).length,
];

let browser;
test.before(async () => {
  if (skip) return;
  mkdirSync(screenshots, { recursive: true });
  browser = await launchChromium();
});
test.after(() => browser?.close());

async function open(address, { colorScheme = 'light', width = 1280, height = 900 } = {}) {
  const page = await browser.newPage({ viewport: { width, height }, colorScheme });
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await page.goto(`${url}${address}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  return { page, problems };
}

/** The step's check once the page has computed it: its text and number. */
async function checkOf(page, timeout = 20000) {
  await page.waitForSelector('#tour-check[data-pending="false"]', { timeout });
  return page.$eval('#tour-check', (e) => ({ text: e.textContent, value: Number(e.dataset.value) }));
}

test('every step opens from its link, shows its panel and checks its claim as the API does', { skip, timeout: 240000 }, async () => {
  for (const [k, step] of TOUR_STEPS.entries()) {
    const n = k + 1;
    const { page, problems } = await open(`#tour=${n}`, { colorScheme: n % 2 ? 'light' : 'dark' });
    // The images step runs the sampler at 784 pixels: it takes a while on a CPU.
    const check = await checkOf(page, step.panel === 'images' ? 180000 : 20000);
    const expected = EXPECTED[k]();
    assert.ok(Number.isFinite(expected), `step ${n}: the API's number`);
    assert.ok(Math.abs(check.value - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `step ${n}: page ${check.value}, API ${expected}`);
    assert.equal(await page.$eval('#tour-title', (e) => e.textContent), step.title);
    assert.equal(await page.$eval('#tour-count', (e) => e.textContent), `Step ${n} of 10`);
    // The step's panel, and only it, is highlighted, and it lies in the window.
    const focused = await page.$$eval('section.tour-focus', (sections) => sections.map((s) => s.dataset.panel));
    assert.deepEqual(focused, [step.panel], `step ${n}`);
    await page.waitForFunction((panel) => {
      const box = document.querySelector(`section[data-panel="${panel}"]`).getBoundingClientRect();
      return box.top >= -1 && box.top < window.innerHeight / 2;
    }, step.panel, { timeout: 5000 });
    assert.equal(await page.evaluate(() => location.hash), `#tour=${n}`, 'the link stays the step\'s');
    await page.screenshot({ path: path.join(screenshots, `tour-${n}.png`) });
    assert.deepEqual(problems, [], `step ${n}`);
    await page.close();
  }
});

test('the keyboard walks the steps, a change is checked live, and leaving keeps the view', { skip, timeout: 120000 }, async () => {
  const { page, problems } = await open('');
  assert.equal(await page.isHidden('#tour'), true);
  await page.focus('#tour-open');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#tour=1');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tour-title');
  // Step 1's suggested change: the exact score leaves no dip, and the check says so.
  await page.check('input[name="score"][value="exact"]');
  await page.waitForFunction(() => document.querySelector('#tour-check').textContent.includes('runs to T'));
  assert.equal(await page.evaluate(() => location.hash), '#tour=1&score=exact');
  for (let n = 2; n <= 10; n++) {
    await page.focus('#tour-next');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((n) => window.ldmExplorer.state().tour === n, n);
    if (TOUR_STEPS[n - 1].panel !== 'images') await checkOf(page);
  }
  assert.equal(await page.isDisabled('#tour-next'), true);
  // Next is disabled at the last step: the focus went to the title, not lost.
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => location.hash === '#tour=9');
  await page.click('#tour-steps li:nth-child(6) button');
  await page.waitForFunction(() => location.hash === '#tour=6');
  assert.equal(await page.$eval('#tour-steps li:nth-child(6) button', (b) => b.getAttribute('aria-current')), 'step');
  // A change the step suggests is checked live: C × λ moves d_min from 3 to 4.
  await page.fill('#C', '160000');
  await page.press('#C', 'Enter');
  await page.waitForFunction(() => document.querySelector('#tour-check').dataset.value === '4');
  await page.focus('#tour-title');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => window.ldmExplorer.state().tour === 0);
  assert.equal(await page.isHidden('#tour'), true);
  const state = await page.evaluate(() => window.ldmExplorer.state());
  assert.deepEqual([state.preset, state.lambda, state.D, state.C], ['exponential', 20, 8, 160000], 'leaving keeps the view');
  assert.equal(await page.evaluate(() => location.hash), '#preset=exponential&lambda=20&D=8&C=160000');
  assert.deepEqual(problems, []);
  await page.close();
});

test('phone width: the card leaves the step\'s panel readable, in both themes', { skip, timeout: 60000 }, async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, problems } = await open('#tour=4', { colorScheme, width: 390, height: 844 });
    await checkOf(page);
    const card = await page.$eval('#tour', (e) => e.getBoundingClientRect().toJSON());
    assert.ok(card.width <= 390 && card.height <= 0.5 * 844 + 1, `card ${JSON.stringify(card)}`);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scroll');
    await page.screenshot({ path: path.join(screenshots, `tour-phone-${colorScheme}.png`) });
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('?embed=tour shows the card with each step\'s panel, and walks', { skip, timeout: 60000 }, async () => {
  const { page, problems } = await open('?embed=tour#tour=4', { width: 720, height: 900 });
  await checkOf(page);
  const shown = () => page.$$eval('main .panel', (panels) => panels.filter((p) => p.getClientRects().length > 0).map((p) => p.dataset.panel));
  assert.deepEqual(await shown(), ['tour', 'curves']);
  assert.equal(await page.isHidden('#tour-close'), true, 'an embedded reading cannot be left');
  await page.click('#tour-next');
  await page.waitForFunction(() => location.hash === '#tour=5');
  assert.deepEqual(await shown(), ['tour', 'seeds']);
  await page.screenshot({ path: path.join(screenshots, 'tour-embed.png') });
  assert.deepEqual(problems, []);
  await page.close();
});
