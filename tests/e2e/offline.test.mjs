// The page gone offline: what it has not downloaded yet (the workers' modules, the image set) is
// reported plainly, never as an uncaught error, and loads once the browser is back online.
import test from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './browser.mjs';

const url = process.env.LDM_EXPLORER_URL;
const skip = !url && 'LDM_EXPLORER_URL is unset (cargo xtask test sets it)';
// Small image runs: the test is about loading, not sampling.
const SMALL = '#imgDims=4,16&imgSteps=100&imgSamples=256';

let browser;
test.before(async () => {
  if (!skip) browser = await launchChromium();
});
test.after(() => browser?.close());

const text = (page, selector) => page.$eval(selector, (e) => e.textContent);

/** A fresh context and page that collect uncaught errors. */
async function offlineReady() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  return { context, page, problems };
}

test('the sampling worker\'s module, lost offline, is loaded again once the browser is back online', { skip }, async () => {
  const { context, page, problems } = await offlineReady();
  // The worker's wasm is held until the page is offline, then fails as an offline download does.
  let release;
  const offline = new Promise((resolve) => (release = resolve));
  await context.route('**/pkg/ldm_worker_bg.wasm', async (route) => {
    await offline;
    await route.abort('internetdisconnected');
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  await context.setOffline(true);
  release();
  await page.waitForFunction(() => /offline/.test(document.getElementById('sim-status').textContent), null, { timeout: 20000 });
  assert.match(await text(page, '#sim-status'), /the browser is offline: it starts when the browser is back online/);
  await context.unroute('**/pkg/ldm_worker_bg.wasm');
  await context.setOffline(false);
  await page.waitForFunction(() => /^Simulated:/.test(document.getElementById('sim-status').textContent), null, { timeout: 60000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('opened offline, the images panel says so and recovers once the browser is back online', { skip }, async () => {
  const { context, page, problems } = await offlineReady();
  await page.goto(`${url}${SMALL}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  await context.setOffline(true);
  await page.$eval('#panel-images', (e) => e.scrollIntoView());
  await page.waitForFunction(() => /offline/.test(document.getElementById('images-path').textContent), null, { timeout: 20000 });
  assert.match(await text(page, '#images-path'), /the browser is offline: they will load when it is back online/);
  await context.setOffline(false);
  await page.waitForFunction(() => Number(document.body.dataset.imagesReady) >= 1, null, { timeout: 120000 });
  assert.match(await text(page, '#images-path'), /^Sampled on the CPU/);
  assert.deepEqual(problems, []);
  await context.close();
});
