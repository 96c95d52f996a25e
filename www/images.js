// The images panel: digits (or the reader's own images) through the latent diffusion, sampled in
// the image worker on WebGPU or the CPU. It reads and writes its fields of the page's state, and the
// page calls syncImages() after every state change; the panel starts when it first scrolls into view.
import { parseDimensionList } from './state.js';

const GRID = 8; // sample rows shown
const CELL = 44; // CSS pixels a picture
const GAP = 6;
const LABEL = 18;
const FIELDS = ['imgScore', 'imgDims', 'imgSteps', 'imgSamples', 'imgSeed', 'imgSample', 'engine'];
const RUN_FIELDS = ['imgScore', 'imgDims', 'imgSteps', 'imgSamples', 'imgSeed', 'engine', 'T', 'schedule'];

const $ = (id) => document.getElementById(id);
let page = null; // {getState, onFieldInput, setMessage, writeUrl, download, theme}
let worker = null;
let active = false;
let source = { kind: 'digits', generation: 0, label: '' };
let info = null;
let runId = 0;
let runKey = null;
let path = null; // {gpu, adapter, reason}
let parts = []; // per d: {d, path, seconds, updates, summary, pixels, nearestImages}
let drawnPictures = null; // the run, frame, row and theme the grid, strip and readout show
let drawnCurves = null; // the run, theme and cursor the curves show
let svgId = 0;
let status = 'idle';

export function setupImages(hooks) {
  page = hooks;
  for (const field of FIELDS) {
    const event = $(field).tagName === 'SELECT' ? 'change' : 'input';
    $(field).addEventListener(event, () => page.onFieldInput(field, page.writeUrl));
  }
  bindFiles();
  addExports();
  const section = $('panel-images');
  const start = () => {
    if (active) return;
    active = true;
    loadSet({ source: 'digits' });
  };
  if (document.body.classList.contains('embed') && section.classList.contains('embedded')) start();
  else new IntersectionObserver((entries, observer) => {
    if (entries.some((e) => e.isIntersecting)) {
      observer.disconnect();
      start();
    }
  }).observe(section);
}

/** The page's state changed: rerun when the run's inputs did, else redraw what the view shows. */
export function syncImages() {
  if (!page) return;
  const state = page.getState();
  for (const field of FIELDS) if (document.activeElement !== $(field)) $(field).value = String(state[field]);
  if (!active || !info) return;
  const key = JSON.stringify([source.generation, ...RUN_FIELDS.map((f) => state[f])]);
  if (key !== runKey) {
    runKey = key;
    startRun(state);
  } else {
    draw();
  }
}

function imageWorker() {
  if (!worker) {
    worker = new Worker(new URL('./image-worker.js', import.meta.url), { type: 'module' });
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', (event) => setStatus(`The image worker failed: ${event.message ?? 'unknown error'}`));
  }
  return worker;
}

function setStatus(text) {
  $('images-path').textContent = text;
}

function loadSet(message) {
  page.setMessage('image-files', '');
  imageWorker().postMessage({ type: 'load', ...message });
}

function startRun(state) {
  for (const field of ['imgDims', 'imgSteps', 'imgSamples', 'imgSeed']) page.setMessage(field, '');
  runId += 1;
  parts = [];
  status = 'running';
  const dims = parseDimensionList(state.imgDims);
  const request = { dims, score: state.imgScore, steps: state.imgSteps, samples: state.imgSamples, seed: state.imgSeed, T: state.T };
  if (state.schedule !== 'ou') request.schedule = state.schedule;
  $('images-progress').hidden = false;
  $('images-progress').value = 0;
  imageWorker().postMessage({ type: 'run', id: runId, request, grid: GRID, mode: state.engine });
}

const FIELD_OF = { d: 'imgDims', samples: 'imgSamples', steps: 'imgSteps', seed: 'imgSeed' };

function onMessage({ data: message }) {
  if (message.type === 'loaded') {
    info = message.info;
    source = { kind: message.source, generation: source.generation + 1 };
    const what = message.source === 'digits' ? 'the handwritten digits (UCI, CC BY 4.0)' : 'your images';
    $('images-source').textContent = `Using ${what}: ${info.count} images of ${info.width}×${info.height} pixels.`;
    runKey = null;
    syncImages();
  } else if (message.type === 'path') {
    if (message.id !== runId) return;
    path = message;
    setStatus(message.gpu ? `Sampling on the GPU (WebGPU, ${message.adapter})…` : `Sampling on the CPU in a worker, because ${message.reason}…`);
  } else if (message.type === 'progress') {
    if (message.id === runId) $('images-progress').value = message.done / message.total;
  } else if (message.type === 'part') {
    if (message.id !== runId) return;
    parts.push(message);
    $('image-results').hidden = false;
    draw();
  } else if (message.type === 'done') {
    if (message.id !== runId) return;
    status = 'done';
    $('images-progress').hidden = true;
    const seconds = parts.reduce((sum, p) => sum + p.seconds, 0);
    const updates = parts.reduce((sum, p) => sum + p.updates, 0);
    const work = `${updates.toExponential(2)} coordinate updates in ${seconds.toFixed(2)} s`;
    setStatus(path?.gpu
      ? `Sampled on the GPU (WebGPU, ${path.adapter}): ${work}.`
      : `Sampled on the CPU in a worker, because ${path?.reason}: ${work}.`);
    document.body.dataset.imagesReady = String(runId);
  } else if (message.type === 'error') {
    if (message.kind === 'load') {
      page.setMessage('image-files', message.message);
      if (!info) setStatus('The image set could not be read.');
    } else if (message.kind === 'run') {
      if (message.id !== runId) return;
      status = 'error';
      $('images-progress').hidden = true;
      const field = FIELD_OF[message.message.split(':')[0].trim()];
      if (field) page.setMessage(field, message.message);
      else setStatus(message.message);
    }
  }
}

// ---------- drawing ----------

function frameAtCursor(t) {
  const cursor = page.getState().cursor;
  let best = 0;
  for (let f = 1; f < t.length; f++) if (Math.abs(t[f] - cursor) < Math.abs(t[best] - cursor)) best = f;
  return best;
}

function paint(context, intensities, offset, x, y) {
  const { width: w, height: h } = info;
  const scratch = paint.scratch ??= new OffscreenCanvas(1, 1);
  scratch.width = w;
  scratch.height = h;
  const image = new ImageData(w, h);
  for (let p = 0; p < w * h; p++) {
    const v = Math.round(Math.min(Math.max(intensities[offset + p], 0), 1) * 255);
    image.data.set([v, v, v, 255], 4 * p);
  }
  scratch.getContext('2d').putImageData(image, 0, 0);
  context.imageSmoothingEnabled = false;
  const scale = CELL / Math.max(w, h);
  context.drawImage(scratch, x, y, w * scale, h * scale);
}

function prepare(canvas, width, height) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  const context = canvas.getContext('2d');
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  const styles = getComputedStyle(document.documentElement);
  context.fillStyle = styles.getPropertyValue('--panel').trim() || '#fff';
  context.fillRect(0, 0, width, height);
  context.fillStyle = styles.getPropertyValue('--fg').trim() || '#000';
  context.font = '12px sans-serif';
  return context;
}

/** Redraws what changed: the pictures and readout follow the frame, the curves the cursor itself. */
function draw() {
  if (!info || parts.length === 0) return;
  const state = page.getState();
  const t = parts[0].summary.t;
  const frame = frameAtCursor(t);
  const pictures = JSON.stringify([runId, parts.length, frame, state.imgSample, page.theme()]);
  if (pictures !== drawnPictures) {
    drawnPictures = pictures;
    $('images-frame').textContent = `(t = ${t[frame].toPrecision(3)}, frame ${frame + 1} of ${t.length})`;
    drawGrid(frame);
    drawStrip();
    summarise(frame);
  }
  const curves = JSON.stringify([runId, parts.length, page.theme(), state.cursor]);
  if (curves !== drawnCurves) {
    drawnCurves = curves;
    requestCurves();
  }
}

function drawGrid(frame) {
  const empirical = parts[0].summary.score === 'empirical';
  const per = empirical ? 2 : 1;
  const rows = Math.min(GRID, page.getState().imgSamples);
  const pixels = info.width * info.height;
  const width = parts.length * per * (CELL + GAP) + parts.length * GAP;
  const context = prepare($('canvas-image-grid'), width, LABEL + rows * (CELL + GAP));
  parts.forEach((part, i) => {
    const x0 = i * (per * (CELL + GAP) + GAP);
    context.fillText(empirical ? `d = ${part.d} · nearest` : `d = ${part.d}`, x0, 13);
    for (let r = 0; r < rows; r++) {
      const y = LABEL + r * (CELL + GAP);
      const slot = frame * rows + r;
      paint(context, part.pixels, slot * pixels, x0, y);
      if (empirical) paint(context, part.nearestImages, slot * pixels, x0 + CELL + GAP, y);
    }
  });
}

function drawStrip() {
  const row = page.getState().imgSample - 1;
  const rows = Math.min(GRID, page.getState().imgSamples);
  const frames = parts[0].summary.t.length;
  const pixels = info.width * info.height;
  const context = prepare($('canvas-image-strip'), 48 + frames * (CELL / 2 + 2), parts.length * (CELL / 2 + 4) + 4);
  parts.forEach((part, i) => {
    const y = 2 + i * (CELL / 2 + 4);
    context.fillText(`d = ${part.d}`, 0, y + CELL / 4 + 4);
    for (let f = 0; f < frames; f++) {
      context.save();
      context.translate(48 + f * (CELL / 2 + 2), y);
      context.scale(0.5, 0.5);
      if (row < rows) paint(context, part.pixels, (f * rows + row) * pixels, 0, 0);
      context.restore();
    }
  });
}

function curveRequest(width, height) {
  return {
    series: parts.map(({ d, summary }) => ({ d, lawT: summary.lawT, lawFd2: summary.lawFd2, t: summary.t, empiricalFd2: summary.empiricalFd2 })),
    title: `Pixel-space Fréchet distance² to the data (${parts[0].summary.score} score)`,
    width,
    height,
    theme: page.theme(),
    cursor: page.getState().cursor,
  };
}

// The curves are drawn on this thread: plotters measures text with a canvas of the document, which a
// worker has not. The image module is already in the HTTP cache (the worker fetched it).
let drawing = null;
function imageModule() {
  drawing ??= import('./pkg/ldm_images.js').then(async (module) => {
    await module.default({ module_or_path: new URL('./pkg/ldm_images_bg.wasm', import.meta.url) });
    return module;
  });
  return drawing;
}

async function requestCurves() {
  const id = ++svgId;
  const width = Math.max(320, Math.min(1400, Math.round($('image-curves').clientWidth || 640)));
  const request = curveRequest(width, Math.round(Math.min(420, width * 0.6)));
  const { imageCurvesSvg } = await imageModule();
  if (id !== svgId) return;
  try {
    $('image-curves').innerHTML = imageCurvesSvg(request);
  } catch (error) {
    $('image-curves').textContent = `The curves could not be drawn: ${error.message}`;
  }
}

const format = (v) => (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toPrecision(4) : v.toExponential(3));

function summarise(frame) {
  const lines = parts.map(({ d, summary }) => {
    const exact = format(summary.lawFd2[summary.steps[frame]]);
    return `d = ${d}: simulated dF² ${format(summary.empiricalFd2[frame])} (exact for the Gaussian score: ${exact})`;
  });
  const last = parts[parts.length - 1].summary;
  const memory = `At t = T (d = ${last.d}), the samples' median RMS pixel distance to the nearest training image is
    ${format(last.sampleNearestMedian)}; training images lie ${format(last.trainingNearestMedian)} from their nearest other one
    (all through the same ${last.d} components)${last.sampleNearestMedian < 0.5 * last.trainingNearestMedian ? ': the samples are copies of training images' : ''}.`;
  $('images-summary').textContent = `At the cursor: ${lines.join('; ')}. ${memory}`;
}

// ---------- the reader's images ----------

async function filesOf(dataTransfer) {
  const entries = [...(dataTransfer.items ?? [])].map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
  if (entries.length === 0) return [...dataTransfer.files];
  const files = [];
  const walk = async (entry) => {
    if (entry.isFile) files.push(await new Promise((resolve, reject) => entry.file(resolve, reject)));
    else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const entry of entries) await walk(entry);
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

function useFiles(files) {
  if (files.length === 0) return page.setMessage('image-files', 'images: no file was given');
  if (!active) active = true;
  const sheet = $('image-sheet').checked
    ? { tileWidth: Number($('tile-width').value), tileHeight: Number($('tile-height').value) }
    : null;
  if (sheet && !(Number.isInteger(sheet.tileWidth) && sheet.tileWidth >= 1 && Number.isInteger(sheet.tileHeight) && sheet.tileHeight >= 1)) {
    return page.setMessage('image-files', 'tile: the tile size must be whole numbers ≥ 1');
  }
  loadSet({ source: 'files', files, sheet });
}

function bindFiles() {
  const zone = $('image-drop');
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', async (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    useFiles(await filesOf(event.dataTransfer));
  });
  $('image-files').addEventListener('change', () => useFiles([...$('image-files').files]));
  $('images-digits').addEventListener('click', () => {
    active = true;
    loadSet({ source: 'digits' });
  });
}

// ---------- exports ----------

function csv() {
  const rows = ['d,score,t,simulated_fd2,exact_gaussian_fd2'];
  for (const { d, summary } of parts) {
    summary.t.forEach((t, f) => {
      rows.push([d, summary.score, t, summary.empiricalFd2[f], summary.lawFd2[summary.steps[f]]].join(','));
    });
  }
  return `${rows.join('\n')}\n`;
}

function exportImages(target, kind) {
  if (parts.length === 0) return;
  const name = `ldm-explorer-images-${target}.${kind}`;
  if (target === 'curves') {
    const svg = $('image-curves').innerHTML;
    if (kind === 'svg') page.download(new Blob([svg], { type: 'image/svg+xml' }), name);
    else if (kind === 'csv') page.download(new Blob([csv()], { type: 'text/csv' }), name);
    else {
      const image = new Image();
      image.onload = () => {
        const canvas = Object.assign(document.createElement('canvas'), { width: image.width, height: image.height });
        canvas.getContext('2d').drawImage(image, 0, 0);
        canvas.toBlob((blob) => page.download(blob, name), 'image/png');
      };
      image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    }
  } else {
    $(`canvas-image-${target}`).toBlob((blob) => page.download(blob, name), 'image/png');
  }
}

function addExports() {
  for (const holder of document.querySelectorAll('.image-exports')) {
    const target = holder.dataset.target;
    for (const kind of target === 'curves' ? ['png', 'svg', 'csv'] : ['png']) {
      const button = Object.assign(document.createElement('button'), { type: 'button', textContent: kind.toUpperCase() });
      button.dataset.export = kind;
      button.setAttribute('aria-label', `Download the images panel's ${target} as ${kind.toUpperCase()}`);
      button.addEventListener('click', () => exportImages(target, kind));
      holder.append(button);
    }
  }
}

/** For tests: what the panel shows. */
export function imagesView() {
  return {
    active,
    status,
    runId,
    info: info && { count: info.count, width: info.width, height: info.height },
    path,
    parts: parts.map(({ d, path: ran, seconds, updates, summary }) => ({ d, path: ran, seconds, updates, summary })),
  };
}
