// The reader's own data: a dropped, chosen or pasted file is read by the worker (in chunks, with
// progress), its shape and spectrum are previewed, and "Use this spectrum" puts it into the state.
// The data never leave the browser.
import { plotSpectrum } from './pkg/ldm_explorer.js';
import { listen, nextJobId, post } from './worker-client.js';
import { format } from './format.js';
import { effectiveTheme } from './view.js';

const $ = (id) => document.getElementById(id);

/** Rows of several numbers: samples to read as a matrix, not a list of variances. */
function looksLikeSamples(text) {
  const rows = text.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  return rows.length >= 2 && rows.every((line) => line.split(/[,;\t ]+/).filter(Boolean).length >= 2);
}

export function setupUploads(store, limits) {
  let job = null; // {id, name, started} of the file being read
  let uploaded = null; // the last file's result, waiting for "Use this spectrum"

  function read(source, name) {
    $('upload-message').textContent = '';
    $('upload-preview').hidden = true;
    job = { id: nextJobId(), name, started: performance.now() };
    $('upload-progress').hidden = false;
    $('upload-progress').value = 0;
    post({ kind: 'upload', id: job.id, ...source });
  }

  function show(name, result) {
    uploaded = result;
    const { kind, rows, columns, header, variances } = result;
    const D = variances.length;
    const range = `from ${format(variances.reduce((a, b) => Math.max(a, b)))} down to ${format(variances.reduce((a, b) => Math.min(a, b)))}`;
    $('upload-summary').textContent = kind === 'samples'
      ? `${name}: ${rows} samples × ${columns} dimensions${header ? ' (a header row skipped)' : ''}. Their centred covariance's ${D} eigenvalues run ${range}.`
      : `${name}: ${D} variances${header ? ' (a header row skipped)' : ''}, ${range}.`;
    $('upload-summary').textContent += ' Dots: the spectrum; line: the reconstruction error with d dimensions.';
    $('upload-preview').hidden = false;
    const canvas = $('upload-spectrum');
    const scale = window.devicePixelRatio || 1;
    canvas.width = Math.round(canvas.clientWidth * scale);
    canvas.height = Math.round(canvas.clientHeight * scale);
    try {
      plotSpectrum(canvas, variances, { theme: effectiveTheme(store.get()), scale });
    } catch (error) {
      $('upload-message').textContent = error.message;
    }
    if (D > limits.maxDimension) $('upload-message').textContent = `${name}: ${D} dimensions; at most ${limits.maxDimension} are supported`;
    $('upload-use').disabled = D > limits.maxDimension;
  }

  listen(['upload'], (message) => {
    if (!job || (message.id !== job.id && message.id !== null)) return;
    if (message.type === 'progress') {
      $('upload-progress').value = message.done / message.total;
      return;
    }
    $('upload-progress').hidden = true;
    const { name, started } = job;
    job = null;
    if (message.type === 'error') {
      $('upload-message').textContent = `${name}: ${message.message}`;
    } else if (message.type === 'done') {
      store.timings.lastUploadMs = performance.now() - started;
      show(name, message.result);
    }
  });
  $('upload').addEventListener('change', () => {
    const file = $('upload').files[0];
    if (file) read({ file }, file.name);
  });
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const file = event.dataTransfer.files[0];
    if (file) read({ file }, file.name);
  });
  $('variances').addEventListener('paste', (event) => {
    const text = event.clipboardData?.getData('text/plain') ?? '';
    if (!looksLikeSamples(text)) return;
    event.preventDefault();
    read({ text }, 'pasted rows');
  });
  $('upload-use').addEventListener('click', () => {
    if (!uploaded) return;
    store.set({ preset: 'custom', variances: Array.from(uploaded.variances, String).join(', ') });
    $('upload-preview').hidden = true;
  });
}
