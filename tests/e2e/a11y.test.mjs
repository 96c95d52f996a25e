// Accessibility audits with axe-core over the whole page (both themes, desktop and phone width)
// and every embed: no serious or critical violation, and a heading and landmarks everywhere. The
// rules are axe-core's (WCAG 2 A/AA and best practices), with WCAG 2.2's touch-target size added.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { EMBEDDABLE, launchChromium } from './browser.mjs';

const url = process.env.LDM_EXPLORER_URL;
const skip = !url && 'LDM_EXPLORER_URL is unset (cargo xtask test sets it)';
// Evaluated through the DevTools protocol: the page's policy (rightly) refuses an injected script.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
// Moderate, but what an embed most easily loses: its one h1, and content outside landmarks.
const STRUCTURE = ['page-has-heading-one', 'region'];
// Off in axe-core by default (WCAG 2.2 AA): every control at least 24 px square, or spaced so.
const WCAG22_RULES = { 'target-size': { enabled: true } };

let browser;
test.before(async () => {
  if (skip) return;
  browser = await launchChromium();
});
test.after(() => browser?.close());

/** axe-core's serious and critical violations of a page, one line each (rule, impact, where). */
async function audit(address, { width = 1280, height = 1000, colorScheme = 'light' } = {}) {
  const page = await browser.newPage({ viewport: { width, height }, colorScheme });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await page.goto(address);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.evaluate(axeSource);
  const { violations } = await page.evaluate((rules) => window.axe.run(document, { resultTypes: ['violations'], rules }), WCAG22_RULES);
  await page.close();
  const severe = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || STRUCTURE.includes(v.id))
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  return { severe, problems };
}

test('the page has no serious or critical accessibility violation, in both themes and at phone width', { skip }, async () => {
  for (const [colorScheme, width] of [['light', 1280], ['dark', 1280], ['light', 375], ['dark', 375]]) {
    const { severe, problems } = await audit(`${url}#preset=fig4-right`, { colorScheme, width, height: width > 800 ? 1000 : 800 });
    assert.deepEqual(severe, [], `${colorScheme} at ${width} px`);
    assert.deepEqual(problems, []);
  }
});

test('the guided reading has no serious or critical accessibility violation, wide and at phone width', { skip }, async () => {
  for (const [colorScheme, width, step] of [['light', 1280, 2], ['dark', 1280, 6], ['dark', 375, 3], ['light', 375, 10]]) {
    const { severe, problems } = await audit(`${url}#tour=${step}`, { colorScheme, width, height: width > 800 ? 1000 : 800 });
    assert.deepEqual(severe, [], `${colorScheme} at ${width} px, step ${step}`);
    assert.deepEqual(problems, []);
  }
});

test('every embed has no serious or critical accessibility violation', { skip }, async () => {
  for (const panel of EMBEDDABLE) {
    const { severe, problems } = await audit(`${url}?embed=${panel}#preset=fig4-right`, { width: 640, height: 480 });
    assert.deepEqual(severe, [], panel);
    assert.deepEqual(problems, []);
  }
});

test('the page says what it is to search engines and link previews', { skip }, async () => {
  // Lighthouse's SEO audit wants a title and a meta description; a preview shows about 50–300 characters.
  const page = await browser.newPage();
  await page.goto(url);
  const { title, description, lang } = await page.evaluate(() => ({
    title: document.title,
    description: document.querySelector('meta[name="description"]')?.content ?? '',
    lang: document.documentElement.lang,
  }));
  await page.close();
  assert.match(title, /optimal stopping in latent diffusion/i);
  assert.ok(description.length >= 50 && description.length <= 300, `a description of ${description.length} characters: "${description}"`);
  assert.match(description, /Optimal Stopping in Latent Diffusion Models/);
  assert.equal(lang, 'en');
});
