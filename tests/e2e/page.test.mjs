// The page in a real Chromium: it loads without errors, draws Figure 4 (left) from the wasm core,
// talks to no other host, and reads well in both themes. Screenshots go to target/screenshots/.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const url = process.env.LDM_EXPLORER_URL;
const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'target', 'screenshots');

async function openPage(browser, colorScheme) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, colorScheme });
  const problems = [];
  const foreign = [];
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('request', (r) => !r.url().startsWith(url) && foreign.push(r.url()));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  return { page, problems, foreign };
}

/// Counts the distinct colours of the canvas and how many pixels differ from its corner (background).
async function canvasInk(page) {
  return page.evaluate(() => {
    const canvas = document.getElementById('curves');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set();
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) {
      const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      colours.add(key);
      if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) ink++;
    }
    return { colours: colours.size, ink, pixels: data.length / 4, corner: [data[0], data[1], data[2]] };
  });
}

test('the first page draws Figure 4 (left) in both themes', { skip: !url && 'LDM_EXPLORER_URL is unset (cargo xtask test sets it)' }, async () => {
  mkdirSync(screenshots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    for (const scheme of ['light', 'dark']) {
      const { page, problems, foreign } = await openPage(browser, scheme);
      assert.deepEqual(problems, [], `${scheme}: console is clean`);
      assert.deepEqual(foreign, [], `${scheme}: no request leaves the page's host`);
      const ink = await canvasInk(page);
      assert.ok(ink.colours > 20, `${scheme}: the curves use many colours (${ink.colours})`);
      assert.ok(ink.ink > 0.02 * ink.pixels && ink.ink < 0.5 * ink.pixels, `${scheme}: drawn, not blank or flooded (${ink.ink}/${ink.pixels})`);
      const background = scheme === 'dark' ? [22, 24, 29] : [255, 255, 255];
      assert.deepEqual(ink.corner, background, `${scheme}: plot background follows the theme`);
      // Prop 2's switch times for Figure 4 (left), as the page lists them.
      const cells = await page.$$eval('#switch-times tr:nth-child(2) td', (tds) => tds.map((td) => td.textContent));
      assert.deepEqual(cells, ['t_d', '0.000', '0.000', '1.124', '1.704', '1.854', '1.921', '2.000', '2.000']);
      // The SVG export draws the same figure: well-formed, one polyline per curve and more.
      const svg = await page.evaluate(async (theme) => {
        const { stoppingCurvesSvg } = await import('./pkg/ldm_explorer.js');
        const request = { variances: [1, 0.6, 0.36, 0.216, 0.1296, 0.07776, 0.046656, 1e-10, 1e-10], T: 2, points: 200 };
        const text = stoppingCurvesSvg(request, 800, 500, { theme });
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        return { error: doc.querySelector('parsererror')?.textContent ?? null, polylines: doc.querySelectorAll('polyline').length, texts: [...doc.querySelectorAll('text')].map((t) => t.textContent.trim()) };
      }, scheme);
      assert.equal(svg.error, null, 'the SVG parses');
      assert.ok(svg.polylines >= 9, `${svg.polylines} polylines`);
      assert.ok(svg.texts.includes('d = 1') && svg.texts.includes('t₄'), 'legend and switch-time labels are text');
      await page.screenshot({ path: path.join(screenshots, `first-page-${scheme}.png`), fullPage: true });
      await page.close();
    }
    // Phone width: the canvas fits the viewport.
    const phone = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await phone.goto(url);
    await phone.waitForSelector('body[data-ready="true"]');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 375 px (${overflow})`);
    await phone.screenshot({ path: path.join(screenshots, 'first-page-phone.png'), fullPage: true });
  } finally {
    await browser.close();
  }
});

test('the benchmark page measures every figure', { skip: !url && 'LDM_EXPLORER_URL is unset (cargo xtask test sets it)' }, async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL('bench.html', url).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120000 });
    const results = await page.evaluate(() => window.benchmark);
    assert.deepEqual(errors, []);
    assert.equal(Object.keys(results).length, 6);
    for (const [name, value] of Object.entries(results)) assert.ok(Number.isFinite(value) && value > 0, `${name}: ${value}`);
    console.log(JSON.stringify(results, null, 1));
  } finally {
    await browser.close();
  }
});
