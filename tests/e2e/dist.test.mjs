// What `cargo xtask dist` writes, opened the ways a reader opens it: the single file from disk with
// the network off (every panel, the worker, an upload, the images on WebGPU and on the CPU), the
// multi-file folders from disk (they explain themselves), and the hashed site over HTTP.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { emulateCores, launchChromium, whenDrawn } from './browser.mjs';

const dist = process.env.LDM_EXPLORER_DIST;
const www = process.env.LDM_EXPLORER_WWW;
const siteUrl = process.env.LDM_EXPLORER_SITE_URL;
const skip = !(dist && www && siteUrl) && 'LDM_EXPLORER_DIST, _WWW or _SITE_URL is unset (cargo xtask test sets them)';
const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'target', 'screenshots');
const PANELS = ['curves', 'scatter', 'best-dimension', 'spectrum', 'capped-variances', 'capped-distance', 'capped-curves'];
const SMALL_IMAGES = '#imgDims=4,16&imgSteps=100&imgSamples=256';

let withGpu;
let withoutGpu;
test.before(async () => {
  if (skip) return;
  mkdirSync(screenshots, { recursive: true });
  withGpu = await launchChromium({ webgpu: true });
  withoutGpu = await launchChromium();
});
test.after(async () => {
  await withGpu?.close();
  await withoutGpu?.close();
});

/**
 * Opens a URL in a fresh context (offline unless told), recording errors and every request; with
 * `cores`, the page is told the machine has that many.
 */
async function open(browser, address, { offline = true, width = 1280, height = 1000, cores = null } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  if (offline) await context.setOffline(true);
  if (cores) await emulateCores(context, cores);
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  context.on('request', (r) => requests.push(r.url()));
  await page.goto(address);
  return { context, page, problems, requests };
}

const singleFile = () => pathToFileURL(path.join(dist, 'ldm-explorer.html')).href;
const text = (page, selector) => page.$eval(selector, (e) => e.textContent);

async function ink(page, selector) {
  await whenDrawn(page, selector);
  return page.evaluate((selector) => {
    const canvas = document.querySelector(selector);
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let differing = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) differing++;
    }
    return differing / (data.length / 4);
  }, selector);
}

/** Nothing but the file itself, and the Blob and data URLs it makes, was asked for. */
function assertOnlyTheFile(requests, file) {
  const elsewhere = requests.filter((r) => r !== file && !r.startsWith('blob:') && !r.startsWith('data:'));
  assert.deepEqual(elsewhere, [], 'no request leaves the file');
}

test('the single file runs from disk, offline: every panel, sampling, an upload, images on the CPU', { skip }, async () => {
  const file = singleFile();
  const size = readFileSync(path.join(dist, 'ldm-explorer.html')).length;
  assert.ok(size < 4e6, `${size} bytes`);
  const { context, page, problems, requests } = await open(withoutGpu, `${file}${SMALL_IMAGES}`, { cores: 3 });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.equal(await page.$eval('#opened-from-disk', () => 'present').catch(() => 'absent'), 'absent', 'no explanation in the single file');
  for (const panel of PANELS) {
    const share = await ink(page, `canvas[data-panel="${panel}"]`);
    assert.ok(share > 0.02 && share < 0.6, `${panel}: ${share}`);
  }
  // The worker (a Blob URL module, with its wasm from a Blob) samples the scatter.
  await page.waitForFunction(() => /^Simulated: \d+ samples/.test(document.getElementById('sim-status').textContent), null, { timeout: 60000 });
  // A file the reader chooses is read by the same worker.
  await page.setInputFiles('#upload', { name: 'spectrum.csv', mimeType: 'text/csv', buffer: Buffer.from('4\n1\n0.25\n') });
  await page.waitForFunction(() => /spectrum\.csv: 3 variances/.test(document.getElementById('upload-summary').textContent));
  // The image worker, its wasm and the digits, all from the file.
  await page.$eval('#panel-images', (e) => e.scrollIntoView());
  await page.waitForFunction(() => Number(document.body.dataset.imagesReady) >= 1, null, { timeout: 120000 });
  const images = await page.evaluate(() => window.ldmExplorer.images());
  assert.equal(images.path.gpu, false);
  assert.match(await text(page, '#images-path'), /CPU/);
  // Its helpers, workers of the same data: URL, share the next run (the empirical score's, in
  // ranges of a few samples).
  await page.selectOption('#imgScore', 'empirical');
  await page.waitForFunction(() => Number(document.body.dataset.imagesReady) >= 2, null, { timeout: 120000 });
  const shared = (await page.evaluate(() => window.ldmExplorer.images())).parts.find((part) => part.d === 16);
  assert.ok(shared.workers >= 2, `d = 16 sampled by ${shared.workers} worker(s)`);
  assert.match(await text(page, '#images-path'), /Sampled on the CPU in \d workers/);
  await page.screenshot({ path: path.join(screenshots, 'dist-single-file.png') });
  assertOnlyTheFile(requests, file);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the single file samples its images on WebGPU where the browser offers it', { skip }, async () => {
  const file = singleFile();
  const { context, page, problems, requests } = await open(withGpu, `${file}${SMALL_IMAGES}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  await page.$eval('#panel-images', (e) => e.scrollIntoView());
  await page.waitForFunction(() => Number(document.body.dataset.imagesReady) >= 1, null, { timeout: 120000 });
  const images = await page.evaluate(() => window.ldmExplorer.images());
  assert.equal(images.path.gpu, true, JSON.stringify(images.path));
  assertOnlyTheFile(requests, file);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the multi-file folders opened from disk say why they cannot start, and what to do', { skip }, async () => {
  for (const folder of [www, path.join(dist, 'site')]) {
    const { context, page } = await open(withoutGpu, pathToFileURL(path.join(folder, 'index.html')).href);
    // The explanation's script is inline and allowed by its hash: a stale hash would leave it hidden.
    await page.waitForSelector('#opened-from-disk:not([hidden])', { timeout: 5000 });
    const explanation = await text(page, '#opened-from-disk');
    assert.match(explanation, /ldm-explorer\.html/);
    assert.match(explanation, /python3 -m http\.server/);
    if (folder === www) await page.screenshot({ path: path.join(screenshots, 'opened-from-disk.png') });
    await context.close();
  }
});

test('the hashed site runs over HTTP, and only index.html keeps its name', { skip }, async () => {
  const { context, page, problems, requests } = await open(withoutGpu, `${siteUrl}${SMALL_IMAGES}`, { offline: false });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.equal(await page.$eval('#opened-from-disk', (e) => e.hidden), true);
  await page.$eval('#panel-images', (e) => e.scrollIntoView());
  await page.waitForFunction(() => Number(document.body.dataset.imagesReady) >= 1, null, { timeout: 120000 });
  const files = requests.filter((r) => r.startsWith(siteUrl)).map((r) => new URL(r).pathname);
  assert.ok(files.length > 20, files.join(' '));
  for (const file of files) {
    if (file === '/') continue;
    assert.match(file, /\.[0-9a-f]{10}\.(js|wasm|css|ldmimg)$/, `${file} carries its content's hash`);
  }
  // The zip leaves the gzipped twins out, not the sets shipped gzipped (names are stored plainly).
  const zip = readFileSync(path.join(dist, 'ldm-explorer-site.zip'));
  assert.ok(zip.includes('ldm-explorer/data/fashion-mnist.ldmimg.'), 'the zip holds the Fashion-MNIST subset');
  assert.ok(!zip.includes('.js.gz'), 'the zip holds no gzipped twin');
  // Served gzipped (as `cargo xtask serve` does), and each text or wasm file has its gzipped twin.
  const site = path.join(dist, 'site');
  const wasm = readdirSync(path.join(site, 'pkg')).find((f) => f.endsWith('.wasm'));
  const answer = await fetch(new URL(`pkg/${wasm}`, siteUrl), { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(answer.headers.get('content-encoding'), 'gzip', `${wasm} is sent gzipped`);
  assert.deepEqual(Buffer.from(await answer.arrayBuffer()), readFileSync(path.join(site, 'pkg', wasm)));
  const main = readdirSync(site).find((f) => /^main\.[0-9a-f]{10}\.js$/.test(f));
  assert.deepEqual(gunzipSync(readFileSync(path.join(site, `${main}.gz`))), readFileSync(path.join(site, main)));
  assert.deepEqual(problems, []);
  await context.close();
});
