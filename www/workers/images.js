// The image worker: image sets, their PCA and the latent sampler (pkg/ldm_images.wasm), off the
// page's thread. It samples on WebGPU when the browser offers an adapter (wgpu's WebGPU backend)
// and on the CPU otherwise, and says which. A newer run supersedes an older one between chunks
// (CPU) or between latent dimensions (GPU). On the CPU, helper workers (share.js) run ranges of
// the samples too.
import init, { GpuEngine, ImageLab, RangeRunner, runOnGpu } from '../pkg/ldm_images.js';
import { adapterName } from './adapter-name.js';
import { helperPool, serveRanges } from './share.js';
import { wasmLoader } from './wasm-loader.js';

// The glue finds its wasm beside itself. (Naming it here as well would put the wasm twice into
// the single file's data: URL of this worker, past Chromium's 2 MiB limit for the images one.)
const loaded = wasmLoader(init);
// CPU chunks: about 2e6 coordinate updates (Gaussian) or 3e7 point-coordinate products
// (empirical), in whole blocks of four samples.
const GAUSSIAN_UPDATES_PER_CHUNK = 2e6;
const EMPIRICAL_PRODUCTS_PER_CHUNK = 3e7;
let lab = null; // the whole set, as loaded
let split = null; // {nTrain, lab}: the set split into training and held-out images
let gpuDevice = null; // Promise of {engine, adapter} or {reason}
let current = 0; // the run to work on
const helpers = helperPool(); // other workers of this script that run ranges of CPU runs' samples
let helpersWanted = false;

function gpu(mode) {
  if (mode === 'cpu') return Promise.resolve({ reason: 'the CPU was chosen (engine=cpu)' });
  gpuDevice ??= GpuEngine.create().then(
    async (created) => ({ engine: created, adapter: await adapterName(created.adapter) }),
    async (error) => ({ reason: await whyNoGpu(String(error.message ?? error).replace(/^gpu: /, '')) }),
  );
  return gpuDevice;
}

/** The reason WebGPU is unavailable, in the reader's terms where the browser tells it. */
async function whyNoGpu(fromWgpu) {
  if (!('gpu' in navigator)) return 'this browser has no WebGPU (navigator.gpu is missing)';
  try {
    if (!(await navigator.gpu.requestAdapter())) return 'WebGPU offers no adapter here (requestAdapter() gave none)';
  } catch {
    // fall through to wgpu's own words
  }
  return fromWgpu;
}

async function decode(file) {
  try {
    const bitmap = await createImageBitmap(file);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    context.drawImage(bitmap, 0, 0);
    return { width: bitmap.width, height: bitmap.height, rgba: context.getImageData(0, 0, bitmap.width, bitmap.height).data };
  } catch (error) {
    throw new Error(`images: "${file.name}" is not an image the browser can decode (${error.message ?? error})`);
  }
}

/** An image-set file (the explorer's own, or IDX images and labels), rather than pictures. */
const isSetFile = (file) => /\.ldmimg(\.gz)?$|idx\d-ubyte(\.gz)?$/i.test(file.name) || (!file.type.startsWith('image/') && /\.gz$/i.test(file.name));

async function readSetFiles(files) {
  const labels = files.filter((f) => /idx1-ubyte(\.gz)?$/i.test(f.name));
  const images = files.filter((f) => !labels.includes(f));
  if (images.length !== 1 || labels.length > 1) {
    throw new Error(`file: drop one image-set file (and at most one IDX labels file); got ${files.map((f) => `"${f.name}"`).join(', ')}`);
  }
  const bytes = async (file) => new Uint8Array(await file.arrayBuffer());
  try {
    return ImageLab.fromFile(await bytes(images[0]), labels.length ? await bytes(labels[0]) : undefined);
  } catch (error) {
    throw new Error(String(error.message ?? error).replace(/^(file|labels): /, (_, field) => `${field}: "${(field === 'labels' ? labels[0] : images[0]).name}" `));
  }
}

async function load({ source, files, sheet, bytes }) {
  await loaded();
  let next;
  if (bytes) {
    // A shipped set, fetched by the page.
    next = ImageLab.fromFile(new Uint8Array(bytes));
  } else if (files.some(isSetFile)) {
    next = await readSetFiles(files);
  } else if (sheet) {
    if (files.length !== 1) throw new Error(`images: a sprite sheet is one image; ${files.length} were given`);
    const { width, height, rgba } = await decode(files[0]);
    next = ImageLab.fromSpriteSheet(width, height, new Uint8Array(rgba.buffer), sheet.tileWidth, sheet.tileHeight);
  } else {
    const decoded = [];
    for (const file of files) decoded.push(await decode(file));
    const total = decoded.reduce((sum, image) => sum + image.rgba.length, 0);
    const rgba = new Uint8Array(total);
    let at = 0;
    for (const image of decoded) {
      rgba.set(image.rgba, at);
      at += image.rgba.length;
    }
    next = ImageLab.fromImages(decoded.map((i) => i.width), decoded.map((i) => i.height), rgba);
  }
  lab?.free();
  split?.lab.free();
  split = null;
  lab = next;
  // Not lab.info(): that fits the whole set's PCA, which a held-out run never needs.
  const info = { count: lab.count, width: lab.width, height: lab.height };
  const preview = lab.images(Array.from({ length: Math.min(16, info.count) }, (_, i) => i));
  postMessage({ type: 'loaded', source, info, preview });
}

const yieldToMessages = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * The set a run uses and what it is measured against: the whole set, or (evaluation.nTrain) its
 * training part with the rest held out. At least a fifth of the images (and two) stay held out, so a
 * small set of the reader's own trains on fewer than nTrain; a set too small to split is measured on
 * its training images. `note` says which, in the reader's terms, when it is not what was asked.
 */
function labFor(evaluation) {
  if (!evaluation) return { runLab: lab, note: null };
  const count = lab.count;
  const most = count - Math.max(2, Math.ceil(count / 5));
  if (most < 2) return { runLab: lab, note: `these ${count} images are too few to hold some out: measured on the training images` };
  const nTrain = Math.min(evaluation.nTrain, most);
  if (split?.nTrain !== nTrain) {
    postMessage({ type: 'phase', text: `Fitting the PCA of ${nTrain} training images (${lab.width * lab.height} pixels) and expressing the ${count - nTrain} held-out ones in its basis…` });
    const next = lab.holdOut(nTrain);
    split?.lab.free();
    split = { nTrain, lab: next };
  }
  const note = nTrain < evaluation.nTrain ? `${nTrain} of these ${count} images train (a fifth stays held out), not ${evaluation.nTrain}` : null;
  return { runLab: split.lab, note };
}

async function run({ id, request, grid, mode, evaluation }) {
  await loaded();
  if (!lab) throw new Error('images: no image set is loaded');
  const { runLab, note } = labFor(evaluation);
  const device = await gpu(mode);
  // A software adapter runs the empirical kernel 10 to 90 times slower than the CPU engine.
  const slow = device.engine?.software && request.score === 'empirical';
  const engine = slow ? null : device.engine;
  const reason = slow
    ? `the WebGPU adapter (${device.adapter}) is a software rasteriser, slower than the CPU engine for the empirical score`
    : device.reason ?? null;
  postMessage({ id, type: 'path', gpu: Boolean(engine), adapter: engine ? device.adapter : null, reason, note });
  const { dims, ...rest } = request;
  const training = runLab.count;
  const plans = [];
  // Plans from `next` on are not freed yet: a superseded or failed run frees them.
  let next = 0;
  try {
    // Every d's plan first: a bad d is reported before any work, and the runs share one request.
    for (const d of dims) plans.push(runLab.plan({ ...rest, d }));
    for (; next < dims.length; next++) {
      const index = next;
      const d = dims[index];
      let imageRun = plans[index];
      const startedAt = performance.now();
      let path = 'cpu';
      if (engine) {
        try {
          imageRun = await runOnGpu(engine, runLab, imageRun, grid, (done, total) =>
            postMessage({ id, type: 'progress', done: index + done / total, total: dims.length }),
          );
          path = 'gpu';
        } catch (error) {
          postMessage({ id, type: 'path', gpu: false, adapter: null, reason: `the GPU run failed (${error.message ?? error}); ran on the CPU` });
          imageRun = runLab.plan({ ...rest, d });
        }
        plans[index] = imageRun;
        if (current !== id) return;
      }
      let workers = 1;
      if (path === 'cpu') {
        if (!helpersWanted) postMessage({ type: 'helpers-wanted' });
        helpersWanted = true;
        const perSample = request.steps * d * (request.score === 'empirical' ? training : 1);
        const budget = request.score === 'empirical' ? EMPIRICAL_PRODUCTS_PER_CHUNK : GAUSSIAN_UPDATES_PER_CHUNK;
        // Whole blocks of four samples: a block costs the same whatever its real samples.
        const chunk = Math.ceil(Math.max(1, Math.floor(budget / perSample)) / 4) * 4;
        workers = await helpers.share(imageRun, {
          request: { ...rest, d },
          chunk,
          progress: () => postMessage({ id, type: 'progress', done: index + imageRun.done / imageRun.samples, total: dims.length }),
          superseded: () => current !== id,
        });
        if (!workers) return;
      }
      const seconds = (performance.now() - startedAt) / 1000;
      // Against held-out images each frame's distances are an eigenproblem of size d: measured one
      // frame at a time (about a second each at d = 784), the progress bar moving between them.
      for (let measured = 0; measured < imageRun.frames;) {
        measured = imageRun.measureFrame(runLab);
        postMessage({ id, type: 'progress', done: index + measured / imageRun.frames, total: dims.length, measuring: true, d });
        await yieldToMessages();
        if (current !== id) return;
      }
      const summary = imageRun.summary(runLab, grid);
      const pixels = imageRun.grid(runLab, grid);
      const nearestImages = runLab.images(summary.nearest);
      const updates = imageRun.updates;
      imageRun.free();
      plans[index] = null;
      postMessage({ id, type: 'part', index, d, path, workers, seconds, updates, summary, pixels, nearestImages });
      await yieldToMessages();
      if (current !== id) return;
    }
  } finally {
    for (const plan of plans.slice(next)) plan?.free();
  }
  postMessage({ id, type: 'done' });
}

self.addEventListener('message', async ({ data }) => {
  try {
    if (data.type === 'load') await load(data);
    else if (data.type === 'run') {
      current = data.id;
      helpers.wake();
      await run(data);
    } else if (data.type === 'cancel') {
      current = 0;
      helpers.wake();
    } else if (data.type === 'helpers') helpers.add(data.ports);
    else if (data.type === 'helper-lost') helpers.lose(data.index);
    else if (data.type === 'helper') serveRanges(data.port, loaded, RangeRunner);
  } catch (error) {
    postMessage({ type: 'error', id: data.id ?? null, kind: data.type, message: String(error.message ?? error) });
  }
});
