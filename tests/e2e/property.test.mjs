// A property test of the page: hundreds of seeded random links, valid and malformed, opened fresh
// or pasted into the open page. For each one: no page error, every field the link could not use is
// named at the top of the page, the page's state is the link's (read by the page's own rules), and
// the link the page writes back reads with no problem at all (nothing refused enters a link).
import test from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './browser.mjs';
import { api } from '../js/load.mjs';
import { DEFAULTS, createFields } from '../../www/state.js';

const url = process.env.LDM_EXPLORER_URL;
const skip = !url && 'LDM_EXPLORER_URL is unset (cargo xtask test sets it)';
const fields = createFields({ names: api.names(), limits: api.limits() });
const CASES = 100; // each opened fresh, then another pasted into the open page: 200 links
const SEED = 20261201;

/** mulberry32: a small seeded generator, so that a failing case can be replayed by its number. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const names = api.names();
const NUMBERS = ['0', '1', '2', '3', '0.5', '1.25', '7', '12', '40', '-1', '-0', '1e308', '1e-320', '1e15', '4097', 'NaN', 'Infinity',
  '', 'abc', '0x10', ' 5 ', '1,5', '2.5e-3', '1000', '99999999999999999999', '%', '٣'];
const CHOICES = {
  preset: ['fig4-left', 'fig4-right', 'exponential', 'power', 'low-rank', 'custom', 'Custom', 'fig4'],
  score: ['exact', 'plug-in', 'plugin'],
  schedule: [...names.schedules, 'OU', 'linear'],
  axis: [...names.axes, 'x'],
  theme: ['auto', ...names.themes, 'blue'],
  sampler: [...names.methods, 'euler'],
  overlay: ['on', 'off', 'yes'],
  imgScore: [...names.imageScores, 'exact'],
  engine: ['auto', 'cpu', 'gpu'],
  variances: ['1,0.5,0.25', '1 0.5', '2;1;0.1;0', '1e308', '-1,2', 'a,b', '', '1,,2', '0,0,0', '1e100,1e-300'],
  imgDims: ['4,16', '1', '64', '4,16,32,64,8,2,1', 'four', '0', '100'],
};
const EXTRA = ['foo=1', 'D', '=3', '&&', '%E0%A4%A', 'cursor=0.3&cursor=0.9'];

function randomHash(random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const parts = [];
  const count = 1 + Math.floor(random() * 5);
  for (let i = 0; i < count; i++) {
    if (random() < 0.1) {
      parts.push(pick(EXTRA));
      continue;
    }
    const name = pick(Object.keys(DEFAULTS));
    const value = CHOICES[name] ? pick(CHOICES[name]) : pick(NUMBERS);
    parts.push(`${name}=${encodeURIComponent(value)}`);
  }
  return `#${parts.join('&')}`;
}

/** The invariants of the page after it has read `hash`. */
async function check(page, hash, label, problems) {
  const parsed = fields.parseHash(hash);
  const seen = await page.evaluate(() => ({
    state: window.ldmExplorer.state(),
    hash: location.hash,
    linkProblems: document.getElementById('url-problems').hidden ? '' : document.getElementById('url-problems').textContent,
    refused: [...document.querySelectorAll('p.message[id$="-message"]')].filter((p) => p.textContent).map((p) => p.id.replace(/-message$/, '')),
  }));
  assert.deepEqual(problems.splice(0), [], `${label}: no page error`);
  for (const problem of parsed.problems) assert.ok(seen.linkProblems.includes(problem), `${label}: "${problem}" is shown (${seen.linkProblems})`);
  // The page's state is the link's, the cursor kept within [0, T].
  for (const [name, value] of Object.entries(parsed.state)) {
    if (name === 'cursor') continue;
    assert.deepEqual(seen.state[name], value, `${label}: ${name}`);
  }
  assert.ok(seen.state.cursor >= 0 && seen.state.cursor <= seen.state.T, `${label}: cursor ${seen.state.cursor} in [0, T]`);
  // The link the page wrote reads cleanly, and says what the page shows except refused fields.
  const written = fields.parseHash(seen.hash);
  assert.deepEqual(written.problems, [], `${label}: the written link ${seen.hash}`);
  for (const [name, value] of Object.entries(seen.state)) {
    if (seen.refused.includes(name)) continue;
    assert.deepEqual(written.state[name], value, `${label}: ${name} in the written link ${seen.hash}`);
  }
}

test('hundreds of random and malformed links: no error, every problem named, every written link valid', { skip, timeout: 900000 }, async () => {
  const browser = await launchChromium();
  const random = generator(SEED);
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  try {
    for (let i = 0; i < CASES; i++) {
      const opened = randomHash(random);
      await page.goto(`${url}?case=${i}${opened}`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 }).catch(async (error) => {
        const fatal = await page.$eval('#fatal', (e) => e.textContent);
        throw new Error(`case ${i}, opened ${opened}: the page did not start (${fatal || error.message}; ${problems.join('; ')})`);
      });
      await check(page, opened, `case ${i}, opened ${opened}`, problems);
      // Another link pasted into the same tab.
      const pasted = randomHash(random);
      const before = await page.evaluate(() => location.hash);
      if (pasted === before) continue; // the same link again: no hashchange, nothing to read
      // Read once the page has heard the hashchange (a listener added after the page's own).
      await page.evaluate((hash) => new Promise((resolve) => {
        window.addEventListener('hashchange', () => setTimeout(() => requestAnimationFrame(resolve), 0), { once: true });
        location.hash = hash;
      }), pasted);
      await check(page, pasted, `case ${i}, pasted ${pasted}`, problems);
    }
  } finally {
    await browser.close();
  }
});
