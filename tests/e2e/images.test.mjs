// The images panel in a real Chromium: on WebGPU (SwiftShader, with --enable-unsafe-webgpu) and on
// the CPU fallback (without the flag), the same seeded numbers either way; the empirical score's
// memorisation; the reader's images and broken files; exports and the URL.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emulateCores, launchChromium } from './browser.mjs';

const url = process.env.LDM_EXPLORER_URL;
const skip = !url && 'LDM_EXPLORER_URL is unset (cargo xtask test sets it)';
const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'target', 'screenshots');
// Small runs: SwiftShader is a GPU on the CPU.
const SMALL = '#imgDims=4,16&imgSteps=100&imgSamples=256';

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
 * Opens the page, brings the images panel into view and waits for its first run to finish; with
 * `cores`, the page is told the machine has that many.
 */
async function open(browser, hash, { search = '', cores = null } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  if (cores) await emulateCores(context, cores);
  const page = await context.newPage();
  page.once('close', () => context.close());
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await page.goto(`${url}${search}${hash}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  await page.$eval('#panel-images', (e) => e.scrollIntoView());
  await finished(page, 1);
  return { page, problems };
}

async function finished(page, run) {
  await page.waitForFunction((run) => Number(document.body.dataset.imagesReady) >= run, run, { timeout: 120000 });
  return page.evaluate(() => window.ldmExplorer.images());
}

const text = (page, selector) => page.$eval(selector, (e) => e.textContent);

function inked(page, id) {
  return page.evaluate((id) => {
    const canvas = document.getElementById(id);
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const greys = new Set();
    for (let i = 0; i < data.length; i += 4) greys.add(data[i]);
    return greys.size;
  }, id);
}

test('with WebGPU the panel samples on the GPU; the CPU engine gives the same numbers', { skip }, async () => {
  const { page, problems } = await open(withGpu, SMALL);
  const onGpu = await page.evaluate(() => window.ldmExplorer.images());
  assert.equal(onGpu.path.gpu, true, JSON.stringify(onGpu.path));
  assert.match(onGpu.path.adapter, /swiftshader/i);
  assert.match(await text(page, '#images-path'), /Sampled on the GPU \(WebGPU, .*swiftshader/i);
  assert.deepEqual(onGpu.parts.map((p) => [p.d, p.path]), [[4, 'gpu'], [16, 'gpu']]);
  assert.ok((await inked(page, 'canvas-image-grid')) > 20, 'the grid shows grey pictures');
  // The curves are drawn on the page's thread once the image module has loaded there, after the run.
  await page.waitForFunction(() => document.querySelectorAll('#image-curves svg circle').length >= 2 * 21);
  await (await page.$('#panel-images')).screenshot({ path: path.join(screenshots, 'images-gpu.png') });

  // The same run on the CPU: the same Philox noise, so the same samples up to SwiftShader's log/cos.
  await page.selectOption('#engine', 'cpu');
  const onCpu = await finished(page, 2);
  assert.equal(onCpu.path.gpu, false);
  assert.match(await text(page, '#images-path'), /Sampled on the CPU in (a worker|\d workers), because the CPU was chosen \(engine=cpu\)/);
  assert.ok((await page.evaluate(() => location.hash)).includes('engine=cpu'));
  for (const [i, part] of onCpu.parts.entries()) {
    const gpu = onGpu.parts[i].summary;
    assert.deepEqual([...part.summary.lawFd2], [...gpu.lawFd2], 'the closed form does not depend on the engine');
    part.summary.empiricalFd2.forEach((value, f) => {
      assert.ok(Math.abs(value - gpu.empiricalFd2[f]) <= 1e-3 * value, `d = ${part.d}, frame ${f}: CPU ${value} vs GPU ${gpu.empiricalFd2[f]}`);
    });
    // Simulated against exact at t = T: 256 samples, so within 15% plus the d²/n bias.
    const last = part.summary.empiricalFd2.at(-1);
    const exact = part.summary.lawFd2.at(-1);
    assert.ok(Math.abs(last - exact) < 0.15 * exact + (part.d * part.d) / 256, `d = ${part.d}: ${last} vs ${exact}`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('without WebGPU the page falls back to the CPU and says so', { skip }, async () => {
  const { page, problems } = await open(withoutGpu, SMALL);
  const view = await page.evaluate(() => window.ldmExplorer.images());
  assert.equal(view.path.gpu, false);
  assert.match(await text(page, '#images-path'), /Sampled on the CPU in (a worker|\d workers), because (WebGPU offers no adapter|this browser has no WebGPU)/);
  assert.deepEqual(view.parts.map((p) => p.path), ['cpu', 'cpu']);
  assert.ok((await inked(page, 'canvas-image-grid')) > 20);
  assert.deepEqual(problems, []);
  await page.close();
});

test('on the CPU a run is shared among workers, one a core, and gives the samples of one worker', { skip }, async () => {
  const EMPIRICAL = '#imgScore=empirical&imgDims=64&imgSteps=200&imgSamples=64';
  const shared = await open(withoutGpu, `${EMPIRICAL}&imgSeed=1`, { cores: 4 });
  // The helpers load their module during the first run; the second finds them ready.
  await shared.page.fill('#imgSeed', '2');
  const [withHelpers] = (await finished(shared.page, 2)).parts;
  assert.ok(withHelpers.workers >= 2, `workers: ${withHelpers.workers}`);
  assert.match(await text(shared.page, '#images-path'), new RegExp(`Sampled on the CPU in ${withHelpers.workers} workers, because`));
  const alone = await open(withoutGpu, `${EMPIRICAL}&imgSeed=2`, { cores: 1 });
  const [oneWorker] = (await alone.page.evaluate(() => window.ldmExplorer.images())).parts;
  assert.equal(oneWorker.workers, 1);
  assert.match(await text(alone.page, '#images-path'), /Sampled on the CPU in a worker, because/);
  // 64 samples in ranges of four: the grid's eight samples come from two ranges, every frame's
  // distance from all sixteen; each the same to the last bit.
  const { nearest, empiricalFd2, sampleNearestMedian } = withHelpers.summary;
  assert.deepEqual({ nearest, empiricalFd2, sampleNearestMedian }, {
    nearest: oneWorker.summary.nearest,
    empiricalFd2: oneWorker.summary.empiricalFd2,
    sampleNearestMedian: oneWorker.summary.sampleNearestMedian,
  });
  assert.deepEqual([...shared.problems, ...alone.problems], []);
  await shared.page.close();
  await alone.page.close();
});

test('the empirical score memorises: its samples end on training images, the Gaussian score\'s do not', { skip }, async () => {
  const { page, problems } = await open(withGpu, '#imgScore=empirical&imgDims=16&imgSteps=200&imgSamples=48');
  const [empirical] = (await page.evaluate(() => window.ldmExplorer.images())).parts;
  // SwiftShader is a software adapter: the empirical score goes to the faster CPU engine, and says so
  // (tests/gpu.rs runs the empirical kernel on WebGPU).
  assert.equal(empirical.path, 'cpu');
  assert.match(await text(page, '#images-path'), /software rasteriser, slower than the CPU engine for the empirical score/);
  assert.ok(empirical.summary.sampleNearestMedian < 0.6 * empirical.summary.trainingNearestMedian, JSON.stringify(empirical.summary.sampleNearestMedian));
  await page.selectOption('#imgScore', 'gaussian');
  const [gaussian] = (await finished(page, 2)).parts;
  assert.ok(gaussian.summary.sampleNearestMedian > 0.8 * gaussian.summary.trainingNearestMedian);
  assert.deepEqual(problems, []);
  await page.close();
});

/** Drops files made in the page (a canvas per picture, grey noise) on the images drop zone. */
function dropPictures(page, pictures) {
  return page.evaluate(async (pictures) => {
    const transfer = new DataTransfer();
    for (const { name, width, height, broken } of pictures) {
      let blob;
      if (broken) blob = new Blob([new Uint8Array([137, 80, 78, 71, 1, 2, 3])], { type: 'image/png' });
      else {
        const canvas = new OffscreenCanvas(width, height);
        const context = canvas.getContext('2d');
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            const v = (x * 37 + y * 91 + width) % 256;
            context.fillStyle = `rgb(${v},${v},${v})`;
            context.fillRect(x, y, 1, 1);
          }
        }
        blob = await canvas.convertToBlob({ type: 'image/png' });
      }
      transfer.items.add(new File([blob], name, { type: 'image/png' }));
    }
    document.getElementById('image-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, pictures);
}

test('the reader\'s images and sprite sheets are read; broken ones are explained and keep the set', { skip }, async () => {
  const { page, problems } = await open(withoutGpu, SMALL);
  const digits = await text(page, '#images-source');
  assert.match(digits, /1797 images of 8×8/);

  await dropPictures(page, [{ name: 'broken.png', broken: true }]);
  await page.waitForFunction(() => document.getElementById('image-files-message').textContent !== '');
  assert.match(await text(page, '#image-files-message'), /broken\.png.*not an image/);
  assert.equal(await text(page, '#images-source'), digits, 'the digits stay in use');

  await page.check('#image-sheet');
  await page.fill('#tile-width', '5');
  await dropPictures(page, [{ name: 'sheet.png', width: 24, height: 16 }]);
  await page.waitForFunction(() => /tile/.test(document.getElementById('image-files-message').textContent));
  assert.match(await text(page, '#image-files-message'), /tile: 5×8 tiles do not divide the 24×16 sheet/);
  assert.equal(await text(page, '#images-source'), digits);

  await page.fill('#tile-width', '8');
  await dropPictures(page, [{ name: 'sheet.png', width: 24, height: 16 }]);
  await page.waitForFunction(() => /your images/.test(document.getElementById('images-source').textContent));
  assert.match(await text(page, '#images-source'), /6 images of 8×8/);
  assert.equal(await text(page, '#image-files-message'), '');
  // The new set is sampled at once (8×8 tiles: 64 pixels, so d = 4 and 16 both run).
  const view = await finished(page, 2);
  assert.equal(view.info.count, 6);

  // A folder's worth of pictures of several sizes, resized to the first one's (at most 32 a side).
  await page.uncheck('#image-sheet');
  await dropPictures(page, [{ name: 'a.png', width: 40, height: 20 }, { name: 'b.png', width: 10, height: 10 }, { name: 'c.png', width: 64, height: 64 }]);
  await page.waitForFunction(() => /3 images/.test(document.getElementById('images-source').textContent));
  assert.match(await text(page, '#images-source'), /3 images of 32×16/);
  assert.deepEqual(problems, []);
  await page.close();
});

/** IDX images (big-endian header, one byte a pixel), gzipped when asked. */
function idxFile(name, count, side, { gzip = false, cut = 0 } = {}) {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x803, 0);
  [count, side, side].forEach((v, i) => header.writeUInt32BE(v, 4 + 4 * i));
  const pixels = Buffer.from(Array.from({ length: count * side * side }, (_, i) => (i * 37 + (i >> 9) * 11) % 256));
  let buffer = Buffer.concat([header, pixels]);
  if (gzip) buffer = gzipSync(buffer);
  return { name, mimeType: 'application/octet-stream', buffer: buffer.subarray(0, buffer.length - cut) };
}

test('Fashion-MNIST opens from a link: d = 784 is the pixel model, each d with its best stop', { skip }, async () => {
  const started = Date.now();
  const { page, problems } = await open(withoutGpu, '#imgSet=fashion&imgDims=16,784&imgSteps=50&imgSamples=128&nTrain=300');
  assert.match(await text(page, '#images-source'), /Fashion-MNIST .*4000 images of 28×28/);
  assert.equal(await page.$eval('#imgSet', (e) => e.value), 'fashion');
  const view = await page.evaluate(() => window.ldmExplorer.images());
  assert.deepEqual(view.parts.map((p) => p.d), [16, 784]);
  console.log(`fashion: both d drawn ${((Date.now() - started) / 1000).toFixed(1)} s after the page opened (CPU, 128 samples)`);
  const readout = await text(page, '#images-summary');
  for (const { d, summary: s } of view.parts) {
    assert.equal(s.heldOut, 3700, 'every image but the 300 training ones');
    // The best stop is the exact line's smallest point, its gain against the line's end.
    const smallest = Math.min(...s.lawFd2);
    assert.equal(s.stopFd2, smallest);
    assert.equal(s.stopT, s.lawT[s.lawFd2.indexOf(smallest)]);
    assert.ok(Math.abs(s.stopGain - (1 - smallest / s.lawFd2.at(-1))) < 1e-12);
    const name = d === 784 ? 'd = 784 (pixel space)' : `d = ${d}`;
    assert.ok(readout.includes(s.stopGain > 0 ? `${name} stops best at t = ${s.stopT.toPrecision(4)}` : `${name} runs best to T`), readout);
  }
  assert.ok(await inked(page, 'canvas-image-grid') > 16, 'the 28×28 samples are drawn');
  await page.screenshot({ path: path.join(screenshots, 'images-fashion.png'), fullPage: false });

  // IDX files dropped: read gzipped, with the file's name in any complaint, the set kept.
  await page.setInputFiles('#image-files', idxFile('t10k-images-idx3-ubyte.gz', 30, 28, { gzip: true, cut: 9 }));
  await page.waitForFunction(() => /damaged gzip/.test(document.getElementById('image-files-message').textContent));
  assert.match(await text(page, '#image-files-message'), /^file: "t10k-images-idx3-ubyte\.gz" is a damaged gzip file/);
  assert.match(await text(page, '#images-source'), /Fashion-MNIST/);
  await page.setInputFiles('#image-files', idxFile('t10k-images-idx3-ubyte.gz', 30, 28, { gzip: true }));
  await page.waitForFunction(() => /your images: 30 images of 28×28/.test(document.getElementById('images-source').textContent));
  assert.equal(await text(page, '#image-files-message'), '');
  assert.deepEqual(problems, []);
  await page.close();
});

/** A PNG of grey noise, made in the page, as bytes for an <input type=file>. */
async function pngBytes(page, width, height) {
  const base64 = await page.evaluate(async ([width, height]) => {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    for (let x = 0; x < width; x++) {
      context.fillStyle = `rgb(${(x * 53) % 256},0,0)`;
      context.fillRect(x, 0, 1, height);
    }
    const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
    return btoa(String.fromCharCode(...bytes));
  }, [width, height]);
  return Buffer.from(base64, 'base64');
}

test('a set that cannot be sampled leaves no stale pictures; a file chosen again is read again', { skip }, async () => {
  const { page, problems } = await open(withoutGpu, SMALL);
  await dropPictures(page, [{ name: 'a.png', width: 1, height: 1 }, { name: 'b.png', width: 1, height: 1 }]);
  await page.waitForFunction(() => /No samples/.test(document.getElementById('images-path').textContent));
  assert.match(await text(page, '#images-source'), /2 images of 1×1/);
  assert.match(await text(page, '#images-path'), /^No samples: d: must be from 1 to 1, got 4/);
  assert.equal(await page.$eval('#image-results', (e) => e.hidden), true, 'the digits\' pictures are gone with their caption');
  assert.match(await text(page, '#imgDims-message'), /must be from 1 to 1/);

  // A sprite sheet chosen with a wrong tile, then the right tile: the same file is read again.
  await page.check('#image-sheet');
  await page.fill('#tile-width', '0');
  const sheet = { name: 'sheet.png', mimeType: 'image/png', buffer: await pngBytes(page, 24, 16) };
  await page.setInputFiles('#image-files', sheet);
  await page.waitForFunction(() => /tile/.test(document.getElementById('image-files-message').textContent));
  await page.fill('#tile-width', '8');
  await page.$eval('#tile-width', (e) => e.dispatchEvent(new Event('change')));
  await page.waitForFunction(() => /6 images of 8×8/.test(document.getElementById('images-source').textContent));
  assert.equal(await text(page, '#image-files-message'), '');
  await page.fill('#imgDims', '4');
  await page.setInputFiles('#image-files', sheet);
  await page.waitForFunction(() => !document.getElementById('image-results').hidden, null, { timeout: 60000 });
  assert.deepEqual(problems, []);
  await page.close();
});

async function exported(page, target, kind) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`.image-exports[data-target="${target}"] button[data-export="${kind}"]`),
  ]);
  assert.equal(download.suggestedFilename(), `ldm-explorer-images-${target}.${kind}`);
  const bytes = readFileSync(await download.path());
  await page.waitForTimeout(300);
  return bytes;
}

test('the images panel exports, keeps its state in the URL and explains bad input', { skip }, async () => {
  const { page, problems } = await open(withoutGpu, `${SMALL}&imgSeed=7`);
  for (const target of ['grid', 'strip', 'curves']) {
    const png = await exported(page, target, 'png');
    assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], `${target}.png signature`);
  }
  const svg = (await exported(page, 'curves', 'svg')).toString('utf8');
  assert.match(svg, /^<svg/);
  const csv = (await exported(page, 'curves', 'csv')).toString('utf8').trim().split('\n');
  assert.equal(csv[0], 'd,score,t,simulated_fd2,exact_gaussian_fd2,measured_against,simulated_sliced_w2,simulated_mmd2');
  assert.equal(csv.length, 1 + 2 * 21);
  const view = await page.evaluate(() => window.ldmExplorer.images());
  const row = csv[1 + 21 + 20].split(',');
  assert.equal(Number(row[0]), 16);
  assert.equal(Number(row[3]), view.parts[1].summary.empiricalFd2[20]);
  assert.equal(Number(row[4]), view.parts[1].summary.lawFd2.at(-1));
  // By default the 1797 digits train on 1000 and are measured against the other 797.
  assert.equal(row[5], 'held-out');
  assert.deepEqual([view.info.count, view.parts[1].summary.heldOut], [1797, 797]);
  assert.match(svg, /to 797 held-out images/);
  assert.equal(Number(row[6]), view.parts[1].summary.slicedW2[20]);
  assert.equal(Number(row[7]), view.parts[1].summary.mmd2[20]);
  // The sample-based distances: dots only, with their own axis.
  await page.selectOption('#imgMetric', 'sliced-w2');
  await page.waitForFunction(() => /sliced Wasserstein distance²/.test(document.getElementById('image-curves').innerHTML));
  assert.match(await page.$eval('#image-curves', (e) => e.innerHTML), /sliced W₂² \(log scale, simulated\)/);
  await page.selectOption('#imgMetric', 'frechet');

  // d beyond the 64 pixels: a message beside the control, the last pictures stay.
  await page.fill('#imgDims', '4, 100');
  await page.waitForFunction(() => document.getElementById('imgDims-message').textContent !== '');
  assert.match(await text(page, '#imgDims-message'), /d: must be from 1 to 64, got 100/);
  assert.equal((await page.evaluate(() => window.ldmExplorer.images())).status, 'error');
  assert.ok((await inked(page, 'canvas-image-grid')) > 20, 'the last pictures stay');
  await page.fill('#imgDims', 'four');
  assert.match(await text(page, '#imgDims-message'), /imgDims expects 1 to 6 whole numbers/);
  assert.match(await page.evaluate(() => location.hash), /imgDims=4%2C\+?100/);
  assert.match(await page.evaluate(() => location.hash), /imgSeed=7/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the benchmark page measures the GPU engine on WebGPU (printed, not asserted)', { skip }, async () => {
  const page = await withGpu.newPage();
  await page.goto(new URL('bench.html', url).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 300000 });
  const results = await page.evaluate(() => window.benchmark);
  const gpu = Object.keys(results).filter((name) => name.startsWith('images GPU'));
  assert.equal(gpu.length, 2, 'both GPU figures are measured');
  for (const name of gpu) assert.ok(Number.isFinite(results[name]) && results[name] > 0);
  console.log(await text(page, '#adapter'));
  console.log(JSON.stringify(Object.fromEntries(Object.entries(results).filter(([name]) => name.startsWith('images'))), null, 1));
  await page.close();
});

test('embed mode can show the images panel alone', { skip }, async () => {
  const { page, problems } = await open(withoutGpu, SMALL, { search: '?embed=images' });
  const visible = await page.$$eval('section.panel', (sections) => sections.filter((s) => s.offsetParent !== null).map((s) => s.dataset.panel));
  assert.deepEqual(visible, ['images']);
  assert.deepEqual(problems, []);
  await page.close();
});
