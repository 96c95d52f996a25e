// The images panel: digits (or the reader's own pictures) through the latent diffusion, sampled by
// the image worker (workers/images.js) on WebGPU or the CPU. It follows the store like every panel:
// a change of its run's fields reruns it, any other change redraws what the view shows. It starts
// when it first scrolls into view.
import { parseDimensionList } from './state.js';
import { onFieldInput } from './controls.js';
import { setMessage } from './messages.js';
import { addButtons, download } from './exports.js';
import { effectiveTheme } from './view.js';
import { GRID, curveRequest, curvesCsv, drawGrid, drawStrip, frameAtCursor, summarise } from './image-views.js';
import { helpersOf } from './image-helpers.js';

const FIELDS = ['imgSet', 'imgScore', 'imgDims', 'imgSteps', 'imgSamples', 'imgSeed', 'imgSample', 'engine', 'imgEval', 'nTrain', 'imgMetric', 'imgScale'];
const RUN_FIELDS = ['imgScore', 'imgDims', 'imgSteps', 'imgSamples', 'imgSeed', 'engine', 'T', 'schedule', 'imgEval', 'nTrain', 'imgScale'];
const FIELD_OF = { d: 'imgDims', samples: 'imgSamples', steps: 'imgSteps', seed: 'imgSeed', nTrain: 'nTrain' };
const $ = (id) => document.getElementById(id);

/** The shipped sets (each reference written out, so that the single-file build finds it). */
const SHIPPED = {
  digits: () => new URL('./data/digits.ldmimg', import.meta.url),
  fashion: () => new URL('./data/fashion-mnist.ldmimg.gz', import.meta.url),
};

const OFFLINE = 'The images need files this page has not downloaded yet, and the browser is offline: they will load when it is back online.';

const SET_NAMES = {
  digits: 'the handwritten digits (UCI, CC BY 4.0)',
  fashion: 'Fashion-MNIST (the first 4,000 test images; Zalando, MIT licence)',
};

// What the panel shows, for the tests (see imagesView).
const panel = {
  active: false,
  status: 'idle',
  runId: 0,
  info: null,
  path: null, // {gpu, adapter, reason}
  parts: [], // per d: {d, path, workers, seconds, updates, summary, pixels, nearestImages}
};

/** For tests: what the panel shows. */
export function imagesView() {
  const { active, status, runId, info, path, parts } = panel;
  return {
    active,
    status,
    runId,
    info: info && { count: info.count, width: info.width, height: info.height },
    path,
    parts: parts.map(({ d, path: ran, workers, seconds, updates, summary }) => ({ d, path: ran, workers, seconds, updates, summary })),
  };
}

export function setupImages(store) {
  let worker = null;
  let stopHelpers = () => {};
  let source = { kind: null, generation: 0 };
  let wanted = null; // the set last asked for: a shipped set's name, or 'files'
  let runKey = null;
  let drawnPictures = null; // the run, frame, row and theme the grid, strip and readout show
  let drawnCurves = null; // the run, theme and cursor the curves show
  let svgId = 0;
  let drawing = null; // the image module on this thread, for the curves
  let curvesRetry = null; // the curves to draw once the browser is back online, after a failed load
  window.addEventListener('online', () => curvesRetry?.());

  const setStatus = (text) => {
    $('images-path').textContent = text;
  };
  /** A run ends, done or failed: its progress bar goes, and the page hears of it (the reading's check). */
  const endRun = (status) => {
    panel.status = status;
    $('images-progress').hidden = true;
    document.dispatchEvent(new Event('ldm-explorer:images-done'));
  };

  let sampling = ''; // the status while sampling: where it runs
  let lastLoad = null; // the set last asked for, asked for again after a failure
  let failed = false; // the worker or the set's download failed: retry at the next chance

  function imageWorker() {
    if (!worker) {
      const url = new URL('./workers/images.js', import.meta.url);
      worker = new Worker(url, { type: 'module' });
      stopHelpers = helpersOf(url, worker);
      worker.addEventListener('message', onMessage);
      // A worker whose module did not load (offline, say) never recovers: drop it, say why, and
      // start a new one when the browser is back online or the reader asks again.
      worker.addEventListener('error', (event) => {
        worker.terminate();
        worker = null;
        stopHelpers();
        failed = true;
        endRun('error');
        setStatus(navigator.onLine
          ? `The image worker failed (${event.message || 'its module could not be loaded'}); choose a set or change a setting to try again.`
          : OFFLINE);
      });
    }
    return worker;
  }

  async function loadSet(message) {
    setMessage('image-files', '');
    lastLoad = message;
    wanted = message.source;
    failed = false;
    // Until the new set's first run is drawn, nothing of the old one stays on screen.
    $('image-results').hidden = true;
    if (!SHIPPED[message.source]) return imageWorker().postMessage({ type: 'load', ...message });
    // A shipped set is fetched here and handed over: inside the single-file page, a file the
    // worker itself referenced would travel in the worker's own URL, which browsers cap at 2 MB.
    let bytes;
    try {
      const response = await fetch(SHIPPED[message.source]());
      if (!response.ok) throw new Error(String(response.status));
      bytes = await response.arrayBuffer();
    } catch (error) {
      if (lastLoad !== message) return;
      if (!navigator.onLine) {
        failed = true;
        setStatus(OFFLINE);
      } else onMessage({ data: { type: 'error', kind: 'load', message: `file: the ${message.source} set could not be fetched (${error.message})` } });
      return;
    }
    if (lastLoad === message) imageWorker().postMessage({ type: 'load', source: message.source, bytes }, [bytes]);
  }
  window.addEventListener('online', () => {
    if (failed && lastLoad) loadSet(lastLoad);
  });

  /** The state changed: rerun when the run's inputs did, else redraw what the view shows. */
  function sync() {
    const state = store.get();
    for (const field of FIELDS) if (document.activeElement !== $(field)) $(field).value = String(state[field]);
    // Another shipped set chosen (a link, or the menu): load it; the reader's own files stay
    // until a set is chosen again.
    if (panel.active && wanted !== 'files' && wanted !== state.imgSet) return loadSet({ source: state.imgSet });
    if (!panel.active || !panel.info) return;
    const key = JSON.stringify([source.generation, ...RUN_FIELDS.map((f) => state[f])]);
    if (key !== runKey) {
      runKey = key;
      startRun(state);
    } else {
      draw();
    }
  }

  function startRun(state) {
    // A new worker after a failure has no set yet: load it again, and the run follows.
    if (failed && lastLoad) {
      runKey = null;
      return loadSet(lastLoad);
    }
    for (const field of ['imgDims', 'imgSteps', 'imgSamples', 'imgSeed', 'nTrain']) setMessage(field, '');
    panel.runId += 1;
    panel.parts = [];
    panel.path = null;
    panel.status = 'running';
    const dims = parseDimensionList(state.imgDims);
    const request = { dims, score: state.imgScore, steps: state.imgSteps, samples: state.imgSamples, seed: state.imgSeed, T: state.T };
    if (state.schedule !== 'ou') request.schedule = state.schedule;
    if (state.imgScale === 'unit') request.unitVariance = true;
    $('images-progress').hidden = false;
    $('images-progress').value = 0;
    const evaluation = state.imgEval === 'held-out' ? { nTrain: state.nTrain } : null;
    imageWorker().postMessage({ type: 'run', id: panel.runId, request, grid: GRID, mode: state.engine, evaluation });
  }

  function onMessage({ data: message }) {
    if (message.type === 'loaded') {
      panel.info = message.info;
      source = { kind: message.source, generation: source.generation + 1 };
      const what = SET_NAMES[message.source] ?? 'your images';
      $('images-source').textContent = `Using ${what}: ${panel.info.count} images of ${panel.info.width}×${panel.info.height} pixels.`;
      runKey = null;
      sync();
    } else if (message.type === 'phase') {
      setStatus(message.text);
    } else if (message.type === 'path') {
      if (message.id !== panel.runId) return;
      // A GPU failure mid-run sends a second path message without the set's note: keep the first's.
      panel.path = { ...message, note: message.note ?? panel.path?.note ?? null };
      sampling = message.gpu ? `Sampling on the GPU (WebGPU, ${message.adapter})…` : `Sampling on the CPU in a worker, because ${message.reason}…`;
      setStatus(sampling);
    } else if (message.type === 'progress') {
      if (message.id !== panel.runId) return;
      $('images-progress').value = message.done / message.total;
      setStatus(message.measuring ? `Measuring d = ${message.d} against the held-out images, frame by frame…` : sampling);
    } else if (message.type === 'part') {
      if (message.id !== panel.runId) return;
      panel.parts.push(message);
      $('image-results').hidden = false;
      draw();
    } else if (message.type === 'done') {
      if (message.id !== panel.runId) return;
      endRun('done');
      const seconds = panel.parts.reduce((sum, p) => sum + p.seconds, 0);
      const updates = panel.parts.reduce((sum, p) => sum + p.updates, 0);
      const work = `${updates.toExponential(2)} coordinate updates in ${seconds.toFixed(2)} s`;
      const workers = Math.max(...panel.parts.map((part) => part.workers));
      const note = panel.path?.note ? ` Note: ${panel.path.note}.` : '';
      setStatus((panel.path?.gpu
        ? `Sampled on the GPU (WebGPU, ${panel.path.adapter}): ${work}.`
        : `Sampled on the CPU in ${workers > 1 ? `${workers} workers` : 'a worker'}, because ${panel.path?.reason}: ${work}.`) + note);
      document.body.dataset.imagesReady = String(panel.runId);
    } else if (message.type === 'error') {
      if (message.kind === 'load') {
        // Offline, what failed is a download (the set, or the module that reads it): no field is at fault.
        failed = !navigator.onLine;
        setMessage('image-files', failed ? '' : message.message);
        if (panel.info) $('image-results').hidden = false;
        if (failed) setStatus(OFFLINE);
        else setStatus(panel.info
          ? `The new set could not be read; still showing ${$('images-source').textContent.replace(/^Using /, '').replace(/\.$/, '')}.`
          : 'The image set could not be read.');
      } else if (message.kind === 'run') {
        if (message.id !== panel.runId) return;
        endRun('error');
        const field = FIELD_OF[message.message.split(':')[0].trim()];
        if (field) setMessage(field, message.message);
        // The results are hidden while a new set has none of its own (loadSet), so what shows is
        // this set's last run.
        setStatus($('image-results').hidden
          ? `No samples: ${message.message}`
          : `No samples for these settings (${message.message}); the pictures below are the last run's.`);
      }
    }
  }

  /** Redraws what changed: the pictures and readout follow the frame, the curves the cursor itself. */
  function draw() {
    const { info, parts } = panel;
    if (!info || parts.length === 0) return;
    const state = store.get();
    const theme = effectiveTheme(state);
    const t = parts[0].summary.t;
    const frame = frameAtCursor(t, state.cursor);
    const pictures = JSON.stringify([panel.runId, parts.length, frame, state.imgSample, theme]);
    if (pictures !== drawnPictures) {
      drawnPictures = pictures;
      const rows = Math.min(GRID, state.imgSamples);
      $('images-frame').textContent = `(t = ${t[frame].toPrecision(3)}, frame ${frame + 1} of ${t.length})`;
      drawGrid(parts, info, frame, rows);
      drawStrip(parts, info, state.imgSample - 1, rows);
      summarise(parts, frame, info.width * info.height);
    }
    const curves = JSON.stringify([panel.runId, parts.length, theme, state.cursor, state.imgMetric]);
    if (curves !== drawnCurves) {
      drawnCurves = curves;
      drawCurves(theme, state.cursor, state.imgMetric);
    }
  }

  // The curves are drawn on this thread: plotters measures text with a canvas of the document, which
  // a worker has not. The image module is already in the HTTP cache (the worker fetched it).
  async function drawCurves(theme, cursor, metric) {
    const id = ++svgId;
    const width = Math.max(320, Math.min(1400, Math.round($('image-curves').clientWidth || 640)));
    const request = curveRequest(panel.parts, width, Math.round(Math.min(420, width * 0.6)), theme, cursor, metric);
    drawing ??= import('./pkg/ldm_images.js').then(async (module) => {
      await module.default({ module_or_path: new URL('./pkg/ldm_images_bg.wasm', import.meta.url) });
      return module;
    });
    let imageCurvesSvg;
    try {
      ({ imageCurvesSvg } = await drawing);
    } catch (error) {
      // A failed load (offline) is tried again at the next drawing, or when the browser is back online.
      drawing = null;
      if (id !== svgId) return;
      $('image-curves').textContent = navigator.onLine
        ? `The curves could not be drawn: ${error.message}`
        : 'The curves could not be loaded offline: they are tried again when the browser is back online.';
      curvesRetry = () => {
        curvesRetry = null;
        if (id === svgId) drawCurves(theme, cursor, metric);
      };
      return;
    }
    if (id !== svgId) return;
    try {
      $('image-curves').innerHTML = imageCurvesSvg(request);
    } catch (error) {
      $('image-curves').textContent = `The curves could not be drawn: ${error.message}`;
    }
  }

  function useFiles(files) {
    if (files.length === 0) return setMessage('image-files', 'images: no file was given');
    panel.active = true;
    const sheet = $('image-sheet').checked
      ? { tileWidth: Number($('tile-width').value), tileHeight: Number($('tile-height').value) }
      : null;
    if (sheet && !(Number.isInteger(sheet.tileWidth) && sheet.tileWidth >= 1 && Number.isInteger(sheet.tileHeight) && sheet.tileHeight >= 1)) {
      return setMessage('image-files', 'tile: the tile size must be whole numbers ≥ 1');
    }
    loadSet({ source: 'files', files, sheet });
  }

  function exportImages(target, kind) {
    if (panel.parts.length === 0) return;
    const name = `ldm-explorer-images-${target}.${kind}`;
    if (target !== 'curves') {
      $(`canvas-image-${target}`).toBlob((blob) => download(blob, name), 'image/png');
      return;
    }
    const svg = $('image-curves').innerHTML;
    if (kind === 'svg') download(new Blob([svg], { type: 'image/svg+xml' }), name);
    else if (kind === 'csv') download(new Blob([curvesCsv(panel.parts)], { type: 'text/csv' }), name);
    else {
      const image = new Image();
      image.onload = () => {
        const canvas = Object.assign(document.createElement('canvas'), { width: image.width, height: image.height });
        canvas.getContext('2d').drawImage(image, 0, 0);
        canvas.toBlob((blob) => download(blob, name), 'image/png');
      };
      image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    }
  }

  for (const field of FIELDS) {
    const event = $(field).tagName === 'SELECT' ? 'change' : 'input';
    $(field).addEventListener(event, () => onFieldInput(store, field));
  }
  bindFiles(useFiles, () => {
    panel.active = true;
    loadSet({ source: store.get().imgSet });
  });
  for (const holder of document.querySelectorAll('.image-exports')) {
    const target = holder.dataset.target;
    addButtons(holder, target === 'curves' ? ['png', 'svg', 'csv'] : ['png'], `the images panel's ${target}`, (kind) => exportImages(target, kind));
  }
  store.subscribe((change) => {
    if (change.model !== 'refused') sync();
  });
  sync();
  const section = $('panel-images');
  const start = () => {
    if (panel.active) return;
    panel.active = true;
    loadSet({ source: store.get().imgSet });
  };
  if (document.body.classList.contains('embed') && section.classList.contains('embedded')) start();
  else new IntersectionObserver((entries, observer) => {
    if (entries.some((e) => e.isIntersecting)) {
      observer.disconnect();
      start();
    }
  }).observe(section);
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

function bindFiles(useFiles, useShipped) {
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
  let chosen = [];
  $('image-files').addEventListener('change', () => {
    chosen = [...$('image-files').files];
    // Cleared, so that choosing the same file again (after a wrong tile size, say) reads it again.
    $('image-files').value = '';
    useFiles(chosen);
  });
  // A new tile size, or the sprite-sheet switch, rereads the files last chosen.
  for (const id of ['image-sheet', 'tile-width', 'tile-height']) {
    $(id).addEventListener('change', () => chosen.length && useFiles(chosen));
  }
  $('images-shipped').addEventListener('click', useShipped);
}
