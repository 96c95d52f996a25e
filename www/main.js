// The explorer page: controls → state (mirrored in the URL hash) → one wasm Explorer per data set →
// panels drawn by the Rust core. Closed forms are instant, so every change recomputes and redraws
// within one animation frame; a bad value shows a message beside its control and keeps the last
// good plots.
import init, { Explorer, estimateVariances, limits, plotSpectrum } from './pkg/ldm_explorer.js';
import { DEFAULTS, parseHash, parseVarianceList, readField, toHash } from './state.js';
import { FIGURE_4_LEFT, PRESET_PARAMETERS, PRESET_VIEWS, presetVariances } from './presets.js';
import { imagesView, setupImages, syncImages } from './images.js';

const POINTS = 400;
const TIME_PANELS = ['curves', 'best-dimension', 'capped-curves'];
const CAPPED_PANELS = ['capped-variances', 'capped-distance', 'capped-curves'];
const ALL_PANELS = ['curves', 'scatter', 'best-dimension', 'spectrum', ...CAPPED_PANELS];
const EMBEDDABLE = ['curves', 'scatter', 'best-dimension', 'spectrum', 'capped', 'verdicts', 'images'];
const SIMULATION_FIELDS = ['scatterX', 'scatterY', 'samples', 'runs', 'sampleSeed'];
const SCATTER_FRAMES = 101; // recorded steps of the scatter: the cursor's resolution is T/100
const MONTE_CARLO_CHECKPOINTS = 10;
const DATA_FIELDS = ['lambda', 'alpha', 'sigma2', 'd0', 'D', 'n', 'seed', 'T'];
const PARAMETER_FIELDS = ['lambda', 'alpha', 'sigma2', 'd0', 'D', 'variances'];

const $ = (id) => document.getElementById(id);
const started = performance.now();
const dark = window.matchMedia('(prefers-color-scheme: dark)');

let state;
let explorer = null; // the last model that computed without error
let summary = null;
let maxDimension = 0;
let maxSampledValues = 0;
let maxMonteCarloDimension = 0;
let samplerError = ''; // why the sampler panels cannot run, if they cannot
const frames = {}; // where each time panel's x axis lies, for pointer input
const timings = { firstCurveMs: null, lastDrawMs: {}, lastCursorMs: null, lastCapMs: null, lastSimulationMs: {} };

// ---------- messages ----------

function setMessage(field, text) {
  const element = $(`${field}-message`);
  if (!element) return;
  element.textContent = text;
  element.closest('.field, fieldset, section')?.classList.toggle('invalid', Boolean(text));
  const control = $(field);
  if (control) control.setAttribute('aria-invalid', text ? 'true' : 'false');
}

function clearMessages(fields) {
  for (const field of fields) setMessage(field, '');
}

/** The control a core error belongs to: its message starts with the field it names. */
function controlOf(message) {
  const field = message.split(':')[0].replace(/\[.*$/, '').trim();
  if (field === 'variances') {
    if (state.preset === 'custom') return 'variances';
    return PRESET_PARAMETERS[state.preset].includes('D') ? 'D' : 'preset';
  }
  return { estimatedVariances: 'n', T: 'T', C: 'C', n: 'n', seed: 'seed', schedule: 'schedule' }[field] ?? 'preset';
}

// ---------- model ----------

/** Recomputes the model from the state; on failure explains beside the control and keeps the old one. */
function compute() {
  clearMessages(['preset', 'variances', 'score', 'schedule', 'C', ...DATA_FIELDS]);
  if (PRESET_PARAMETERS[state.preset].includes('D') && state.D > maxDimension) {
    setMessage('D', `at most ${maxDimension} dimensions are supported, got ${state.D}`);
    return false;
  }
  const variances = presetVariances(state, parseVarianceList);
  if (variances.error) {
    setMessage(variances.field, variances.error);
    return false;
  }
  try {
    const estimatedVariances =
      state.score === 'plug-in' ? estimateVariances({ variances: variances.values, n: state.n, seed: state.seed }) : undefined;
    const next = new Explorer({
      variances: variances.values,
      estimatedVariances,
      T: state.T,
      points: POINTS,
      schedule: state.schedule,
      C: state.C,
    });
    explorer?.free();
    explorer = next;
  } catch (error) {
    setMessage(controlOf(error.message), error.message);
    return false;
  }
  summary = explorer.summary();
  applySampler();
  state.cursor = Math.min(Math.max(state.cursor, 0), summary.T);
  $('cursor').max = String(summary.T);
  renderSummaries();
  return true;
}

/** The sampler of the sampler panels; its checks (steps, schedule) speak beside the steps. */
function applySampler() {
  setMessage('steps', '');
  samplerError = '';
  try {
    explorer.setSampler(state.sampler, state.steps, state.overlay === 'on');
  } catch (error) {
    samplerError = error.message;
    setMessage('steps', error.message);
  }
}

/** A new cap only: the curves stay, the capped panels are recomputed. */
function applyCap() {
  clearMessages(['C']);
  const start = performance.now();
  try {
    explorer.setCap(state.C);
  } catch (error) {
    setMessage('C', error.message);
    return false;
  }
  summary = explorer.summary();
  renderSummaries();
  timings.lastCapMs = performance.now() - start;
  return true;
}

// ---------- drawing ----------

const pending = new Set();
let frameRequested = false;

function scheduleDraw(panels) {
  for (const panel of panels) pending.add(panel);
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(drawPending);
  }
}

function effectiveTheme() {
  return state.theme === 'auto' ? (dark.matches ? 'dark' : 'light') : state.theme;
}

/** How the plots are drawn; the cursor only for exports (on the page it has its own layer). */
function viewOptions({ withCursor = false } = {}) {
  return {
    theme: effectiveTheme(),
    xAxis: state.axis,
    emphasis: state.d > 0 && summary && state.d <= summary.dimension ? state.d : undefined,
    cursor: withCursor ? state.cursor : undefined,
  };
}

function drawPending() {
  frameRequested = false;
  if (!explorer) return;
  const options = viewOptions();
  for (const panel of pending) {
    const canvas = document.querySelector(`canvas[data-panel="${panel}"]`);
    if (!canvas || canvas.offsetParent === null) continue;
    if (panel === 'scatter' && samplerError) {
      canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
      continue;
    }
    const scale = window.devicePixelRatio || 1;
    const width = Math.round(canvas.clientWidth * scale);
    const height = Math.round(canvas.clientHeight * scale);
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const start = performance.now();
    try {
      const cursor = panel === 'scatter' ? state.cursor : undefined;
      frames[panel] = explorer.draw(panel, canvas, { ...options, cursor, scale });
      if (panel === 'scatter') drawnScatterStep = scatterStepAtCursor();
    } catch (error) {
      $(panel === 'scatter' ? 'sim-status' : 'curves-message').textContent = error.message;
    }
    timings.lastDrawMs[panel] = performance.now() - start;
    if (panel === 'curves' && timings.firstCurveMs === null) {
      timings.firstCurveMs = performance.now() - started;
      performance.mark('first-curve');
    }
  }
  pending.clear();
  const start = performance.now();
  renderReadout();
  timings.lastCursorMs = performance.now() - start;
}

const CURSOR_COLOUR = '#d6278c';

/** The cursor line on the layer above each time plot: moving it redraws no plot. */
function drawCursors(readout) {
  const scale = window.devicePixelRatio || 1;
  const x = state.axis === 't' ? readout.t : readout.logSnr;
  for (const layer of document.querySelectorAll('canvas.cursor-layer')) {
    const plot = document.querySelector(`canvas[data-panel="${layer.dataset.cursorFor}"]`);
    const frame = frames[layer.dataset.cursorFor];
    if (layer.width !== plot.width) layer.width = plot.width;
    if (layer.height !== plot.height) layer.height = plot.height;
    const context = layer.getContext('2d');
    context.clearRect(0, 0, layer.width, layer.height);
    if (!frame || !Number.isFinite(x)) continue;
    const px = Math.round(frame.left + ((x - frame.xMin) / (frame.xMax - frame.xMin)) * (frame.right - frame.left)) + 0.5;
    context.strokeStyle = CURSOR_COLOUR;
    context.lineWidth = Math.max(1, 1.5 * scale);
    context.beginPath();
    context.moveTo(px, frame.top);
    context.lineTo(px, frame.bottom);
    context.stroke();
  }
}

// ---------- simulation (a worker with the simulation module) ----------

let worker = null;
let nextJobId = 1;
const running = { scatter: null, monteCarlo: null }; // {id, key, job, started, done, total} of the job in flight
const finished = { scatter: null, monteCarlo: null }; // {key, job, message, ms, breakdown} of the last completed job
const applied = { scatter: null, monteCarlo: null }; // {explorer, key} handed to the model
const cancelled = { scatter: null, monteCarlo: null }; // a key the reader cancelled: not rerun

function simulationWorker() {
  if (!worker) {
    worker = new Worker(new URL('./sim-worker.js', import.meta.url), { type: 'module' });
    worker.addEventListener('message', onWorkerMessage);
    worker.addEventListener('error', (event) => {
      $('sim-status').textContent = `The sampling worker failed: ${event.message ?? 'unknown error'}`;
    });
  }
  return worker;
}

/** What each kind of job should compute now (a worker message and its key), or why not. */
function wantedJobs() {
  const wanted = { scatter: null, monteCarlo: null };
  // Clear the messages of this check only: a value typed wrong keeps its own message.
  clearMessages(['scatterX', 'scatterY', 'samples'].filter((field) => !readField(field, $(field).value).error));
  $('sim-limits').textContent = '';
  if (!explorer || samplerError) return wanted;
  const D = summary.dimension;
  let coordinatesValid = true;
  for (const field of ['scatterX', 'scatterY']) {
    if (state[field] > D) {
      setMessage(field, `${field}: the data has D = ${D} coordinates, got ${state[field]}`);
      coordinatesValid = false;
    }
  }
  if (coordinatesValid) {
    const coordinates = [state.scatterX, state.scatterY];
    const sampler = explorer.samplerRequest(Math.max(...coordinates));
    const job = { kind: 'scatter', sampler, seed: state.sampleSeed, n: state.samples, coordinates, frames: SCATTER_FRAMES };
    if (state.samples * 2 * state.steps > maxSampledValues) {
      setMessage('samples', `samples: n × 2 × steps must stay within ${maxSampledValues} updates`);
    } else {
      wanted.scatter = job;
    }
  }
  if (state.overlay === 'on') {
    const d = explorer.samplerDimension(state.d);
    const sampler = explorer.samplerRequest(d);
    const checkpoints = Math.min(MONTE_CARLO_CHECKPOINTS, state.steps);
    const job = { kind: 'monteCarlo', sampler, seed: state.sampleSeed, n: state.samples, runs: state.runs, checkpoints, d };
    if (d > maxMonteCarloDimension) {
      $('sim-limits').textContent = `Monte Carlo: d = ${d} is above ${maxMonteCarloDimension} (each checkpoint is a d × d eigenproblem); highlight a smaller d`;
    } else if (state.samples * d * state.steps > maxSampledValues) {
      $('sim-limits').textContent = `Monte Carlo: n × d × steps = ${state.samples * d * state.steps} is above ${maxSampledValues} updates per run; lower n or the steps`;
    } else {
      wanted.monteCarlo = job;
    }
  }
  for (const job of Object.values(wanted)) if (job) job.key = JSON.stringify(job, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v));
  return wanted;
}

/** Starts, keeps or stops the worker's jobs so that they match the state; hands finished ones in. */
function syncSimulation() {
  const wanted = wantedJobs();
  for (const kind of ['scatter', 'monteCarlo']) {
    const job = wanted[kind];
    if (!job) {
      stopJob(kind);
      continue;
    }
    if (finished[kind]?.key === job.key) {
      applyResult(kind);
      continue;
    }
    if (running[kind]?.key === job.key || cancelled[kind] === job.key) continue;
    const id = nextJobId++;
    const total = kind === 'scatter' ? job.n : job.runs;
    running[kind] = { id, key: job.key, job, started: performance.now(), done: 0, total };
    const { key, d, ...message } = job;
    simulationWorker().postMessage({ ...message, id });
  }
  renderProgress();
}

function stopJob(kind) {
  if (!running[kind]) return;
  worker?.postMessage({ type: 'cancel', kind });
  running[kind] = null;
}

function cancelSimulation() {
  for (const kind of ['scatter', 'monteCarlo']) {
    if (running[kind]) cancelled[kind] = running[kind].key;
    stopJob(kind);
  }
  renderProgress('Cancelled. Change a setting (the seed, for one) to sample again.');
}

function onWorkerMessage({ data: message }) {
  if (message.kind === 'upload') {
    onUploadMessage(message);
    return;
  }
  const job = running[message.kind];
  if (!job || job.id !== message.id) return; // a superseded job
  if (message.type === 'progress') {
    Object.assign(job, { done: message.done, total: message.total });
    renderProgress();
  } else if (message.type === 'error') {
    running[message.kind] = null;
    renderProgress(message.message);
  } else if (message.type === 'done') {
    running[message.kind] = null;
    // Where the time went, on one clock: to the worker, in it, back, and into the model.
    const now = performance.timeOrigin + performance.now();
    const posted = performance.timeOrigin + job.started;
    const breakdown = { toWorkerMs: message.startedAt - posted, inWorkerMs: message.finishedAt - message.startedAt, backMs: now - message.finishedAt };
    finished[message.kind] = { key: job.key, job: job.job, message, ms: performance.now() - job.started, breakdown };
    applyResult(message.kind);
    renderProgress();
  }
}

/** Hands a finished job's numbers to the current model (once per model) and redraws. */
function applyResult(kind) {
  const result = finished[kind];
  if (applied[kind]?.explorer === explorer && applied[kind].key === result.key) return;
  const { job, message: m } = result;
  try {
    if (kind === 'scatter') explorer.setScatter(new Uint32Array(job.coordinates), m.steps, m.data, m.generated);
    else explorer.setMonteCarlo(job.d, m.t, m.values, job.n);
  } catch (error) {
    renderProgress(error.message);
    return;
  }
  applied[kind] = { explorer, key: result.key };
  timings.lastSimulationMs[kind] = result.ms;
  timings.lastSimulationBreakdown = { ...timings.lastSimulationBreakdown, [kind]: result.breakdown };
  scheduleDraw([kind === 'scatter' ? 'scatter' : 'curves']);
}

function renderProgress(note) {
  const jobs = ['scatter', 'monteCarlo'].filter((kind) => running[kind]);
  const done = jobs.reduce((sum, kind) => sum + running[kind].done / running[kind].total, 0);
  $('sim-progress').hidden = jobs.length === 0;
  $('sim-progress').value = jobs.length ? done / jobs.length : 0;
  $('cancel').hidden = jobs.length === 0;
  if (samplerError) {
    $('sim-status').textContent = `No sampling: ${samplerError}`;
  } else if (note !== undefined) {
    $('sim-status').textContent = note;
  } else if (jobs.length) {
    $('sim-status').textContent = jobs
      .map((kind) => kind === 'scatter'
        ? `sampling ${running.scatter.done} of ${running.scatter.total}`
        : `Monte Carlo run ${running.monteCarlo.done} of ${running.monteCarlo.total}`)
      .join('; ') + '…';
  } else if (finished.scatter && applied.scatter?.explorer === explorer) {
    const { job } = finished.scatter;
    $('sim-status').textContent = `Simulated: ${job.n} samples, seed ${job.seed}, in ${Math.round(finished.scatter.ms)} ms.`;
  }
}

// ---------- the reader's own data (read in the worker) ----------

let uploadJob = null; // {id, name, started} of the file being read
let uploaded = null; // the last file's result, waiting for "Use this spectrum"

function readUpload(source, name) {
  $('upload-message').textContent = '';
  $('upload-preview').hidden = true;
  uploadJob = { id: nextJobId++, name, started: performance.now() };
  $('upload-progress').hidden = false;
  $('upload-progress').value = 0;
  simulationWorker().postMessage({ kind: 'upload', id: uploadJob.id, ...source });
}

function onUploadMessage(message) {
  if (!uploadJob || message.id !== uploadJob.id) return;
  if (message.type === 'progress') {
    $('upload-progress').value = message.done / message.total;
    return;
  }
  $('upload-progress').hidden = true;
  const { name, started } = uploadJob;
  uploadJob = null;
  if (message.type === 'error') {
    $('upload-message').textContent = `${name}: ${message.message}`;
  } else if (message.type === 'done') {
    timings.lastUploadMs = performance.now() - started;
    showUpload(name, message.result);
  }
}

function showUpload(name, result) {
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
    plotSpectrum(canvas, variances, { theme: effectiveTheme(), scale });
  } catch (error) {
    $('upload-message').textContent = error.message;
  }
  if (D > maxDimension) $('upload-message').textContent = `${name}: ${D} dimensions; at most ${maxDimension} are supported`;
  $('upload-use').disabled = D > maxDimension;
}

function useUpload() {
  if (!uploaded) return;
  state.preset = 'custom';
  state.variances = Array.from(uploaded.variances, String).join(', ');
  syncControls();
  afterDataChange();
  $('upload-preview').hidden = true;
}

/** Rows of several numbers: samples to read as a matrix, not a list of variances. */
function looksLikeSamples(text) {
  const rows = text.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  return rows.length >= 2 && rows.every((line) => line.split(/[,;\t ]+/).filter(Boolean).length >= 2);
}

function bindUpload() {
  $('upload').addEventListener('change', () => {
    const file = $('upload').files[0];
    if (file) readUpload({ file }, file.name);
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
    if (file) readUpload({ file }, file.name);
  });
  $('variances').addEventListener('paste', (event) => {
    const text = event.clipboardData?.getData('text/plain') ?? '';
    if (!looksLikeSamples(text)) return;
    event.preventDefault();
    readUpload({ text }, 'pasted rows');
  });
  $('upload-use').addEventListener('click', useUpload);
}

// ---------- play ----------

const PLAY_SECONDS = 4;
let playing = null; // {start, end, started} while the cursor runs

function togglePlay() {
  if (playing) {
    stopPlaying();
    return;
  }
  if (!explorer) return;
  const d = explorer.samplerDimension(state.d);
  const end = summary.optimalStop[d - 1];
  const from = state.cursor >= end - 1e-9 ? 0 : state.cursor;
  playing = { from, end, started: performance.now() };
  $('play').setAttribute('aria-pressed', 'true');
  $('play').textContent = '❚❚ Pause';
  requestAnimationFrame(playFrame);
}

function playFrame(now) {
  if (!playing) return;
  const fraction = Math.min((now - playing.started) / (PLAY_SECONDS * 1000 * (1 - playing.from / playing.end || 1)), 1);
  state.cursor = fraction < 1 ? playing.from + (playing.end - playing.from) * fraction : playing.end;
  afterCursorChange();
  if (fraction < 1) requestAnimationFrame(playFrame);
  else stopPlaying();
}

function stopPlaying() {
  playing = null;
  $('play').setAttribute('aria-pressed', 'false');
  $('play').textContent = '▶ Play';
}

// ---------- text beside the plots (also their text alternative) ----------

const format = (v) => (v === 0 ? '0' : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toPrecision(4) : v.toExponential(3));

function renderReadout() {
  if (!explorer) return;
  const r = explorer.readout(state.cursor);
  drawCursors(r);
  $('cursor').value = String(state.cursor);
  $('cursor-value').textContent = `t = ${state.cursor.toFixed(3)}`;
  const shown = summary.dimension <= 12
    ? Array.from(r.fd2, (v, k) => `d=${k + 1}: ${format(v)}`)
    : [`d=${r.bestDim}: ${format(r.fd2[r.bestDim - 1])}`];
  if (state.d > 0 && state.d <= summary.dimension && summary.dimension > 12) shown.push(`d=${state.d}: ${format(r.fd2[state.d - 1])}`);
  $('readout').textContent =
    `At t = ${r.t.toFixed(3)} (LogSNR ${Number.isFinite(r.logSnr) ? r.logSnr.toFixed(2) : '+∞'}): best latent dimension ` +
    `${r.bestDim}${summary.exactScore ? '' : ` (exact score: ${r.bestDimExact})`}. dF² — ${shown.join('; ')}.` +
    ` Under the cap: best d ${1 + r.fd2Capped.indexOf(Math.min(...r.fd2Capped))}.`;
}

function renderSummaries() {
  const s = summary;
  $('data-summary').textContent =
    `D = ${s.dimension}, ${s.exactScore ? 'exact score' : `plug-in score from n = ${state.n} samples (seed ${state.seed}; simulated)`}, ` +
    `${s.schedule} schedule, T = ${s.T}.`;
  $('capped-summary').textContent =
    `C = ${format(s.C)}: the best latent dimension at t = T is d_min = ${s.dMin}; Prop 5's bracket is [d₁, d₂] = [${s.d1}, ${s.d2}].`;
  const list = $('verdicts');
  list.replaceChildren();
  for (let d = 1; d <= s.dimension; d++) {
    const item = document.createElement('li');
    if (s.monotone[d - 1]) {
      item.textContent = `d = ${d}: the distance falls until the end — run to T (dF² = ${format(s.atEnd[d - 1])}).`;
    } else {
      const gain = (1 - s.atOptimalStop[d - 1] / s.atEnd[d - 1]) * 100;
      item.textContent = `d = ${d}: stop early at t = ${s.optimalStop[d - 1].toFixed(3)}: dF² ${format(s.atOptimalStop[d - 1])} ` +
        `instead of ${format(s.atEnd[d - 1])} at T, ${gain.toFixed(1)}% lower.`;
      item.classList.add('early');
    }
    list.append(item);
  }
}

// ---------- state ↔ controls ↔ URL ----------

function writeUrl() {
  history.replaceState(null, '', `${location.pathname}${location.search}${toHash(state)}`);
  const full = new URL(location.href);
  full.searchParams.delete('embed');
  $('full-explorer').href = full.href;
  syncImages();
}

function syncControls() {
  for (const field of [...DATA_FIELDS, ...SIMULATION_FIELDS, 'C', 'd', 'steps']) $(field).value = String(state[field]);
  $('overlay').checked = state.overlay === 'on';
  document.querySelector('.exports[data-panel="sampler"]').hidden = state.overlay !== 'on';
  $('sampler').value = state.sampler;
  $('preset').value = state.preset;
  $('variances').value = state.variances;
  $('schedule').value = state.schedule;
  $('axis').value = state.axis;
  $('theme').value = state.theme;
  for (const radio of document.querySelectorAll('input[name="score"]')) radio.checked = radio.value === state.score;
  $('C-slider').value = String(Math.log10(state.C));
  for (const field of PARAMETER_FIELDS) {
    const wrapper = document.querySelector(`.field[data-for="${field}"]`);
    if (wrapper) wrapper.hidden = !PRESET_PARAMETERS[state.preset].includes(field);
  }
  const plugIn = state.score === 'plug-in';
  $('n').disabled = !plugIn;
  $('seed').disabled = !plugIn;
  document.documentElement.dataset.theme = effectiveTheme();
}

function afterDataChange() {
  if (compute()) {
    writeUrl();
    scheduleDraw(ALL_PANELS);
    syncSimulation();
  }
}

function afterViewChange(panels = TIME_PANELS) {
  writeUrl();
  scheduleDraw(panels);
}

let drawnScatterStep = null; // the sampler step the scatter shows

/** The scatter's step at the cursor (null when there is no sampler to show). */
function scatterStepAtCursor() {
  return explorer && !samplerError ? explorer.scatterStep(state.cursor) : null;
}

/** The cursor moved: its layer and the readout change, and the scatter if it reaches another step. */
function afterCursorChange() {
  writeUrl();
  scheduleDraw(scatterStepAtCursor() === drawnScatterStep ? [] : ['scatter']);
}

/** A typed value: valid ones enter the state, invalid ones are explained and left out. */
function onFieldInput(field, then) {
  const { value, error } = readField(field, $(field).value);
  if (error) {
    setMessage(field, `${field} ${error}`);
    return;
  }
  setMessage(field, '');
  state[field] = value;
  then();
}

function bindControls() {
  for (const field of DATA_FIELDS) $(field).addEventListener('input', () => onFieldInput(field, afterDataChange));
  $('variances').addEventListener('input', () => {
    state.variances = $('variances').value;
    afterDataChange();
  });
  $('preset').addEventListener('change', () => {
    state.preset = $('preset').value;
    if (state.preset === 'custom' && !state.variances.trim()) {
      state.variances = FIGURE_4_LEFT.join(', ');
    }
    Object.assign(state, PRESET_VIEWS[state.preset] ?? {});
    syncControls();
    afterDataChange();
  });
  for (const radio of document.querySelectorAll('input[name="score"]')) {
    radio.addEventListener('change', () => {
      state.score = radio.value;
      syncControls();
      afterDataChange();
    });
  }
  $('schedule').addEventListener('change', () => {
    state.schedule = $('schedule').value;
    // The schedules other than OU live on [0, 1].
    if (state.schedule !== 'ou' && state.T > 1) {
      state.T = 1;
      $('T').value = '1';
    }
    afterDataChange();
  });
  $('C').addEventListener('input', () => onFieldInput('C', () => {
    $('C-slider').value = String(Math.log10(state.C));
    if (explorer && applyCap()) afterViewChange(CAPPED_PANELS);
  }));
  $('C-slider').addEventListener('input', () => {
    state.C = Number((10 ** Number($('C-slider').value)).toPrecision(4));
    $('C').value = String(state.C);
    setMessage('C', '');
    if (explorer && applyCap()) afterViewChange(CAPPED_PANELS);
  });
  $('axis').addEventListener('change', () => {
    state.axis = $('axis').value;
    afterViewChange();
  });
  $('d').addEventListener('input', () => onFieldInput('d', () => {
    if (summary && state.d > summary.dimension) {
      setMessage('d', `d: the data has D = ${summary.dimension} dimensions, got ${state.d}; showing the best d`);
    }
    afterViewChange(['curves', 'scatter']);
    syncSimulation();
  }));
  const samplerChanged = () => {
    if (explorer) applySampler();
    afterViewChange(['curves', 'scatter']);
    syncSimulation();
  };
  $('sampler').addEventListener('change', () => {
    state.sampler = $('sampler').value;
    samplerChanged();
  });
  $('steps').addEventListener('input', () => onFieldInput('steps', samplerChanged));
  $('overlay').addEventListener('change', () => {
    state.overlay = $('overlay').checked ? 'on' : 'off';
    syncControls();
    samplerChanged();
  });
  for (const field of SIMULATION_FIELDS) {
    $(field).addEventListener('input', () => onFieldInput(field, () => {
      writeUrl();
      syncSimulation();
    }));
  }
  $('play').addEventListener('click', togglePlay);
  bindUpload();
  $('cancel').addEventListener('click', cancelSimulation);
  $('cursor').addEventListener('input', () => {
    state.cursor = Number($('cursor').value);
    afterCursorChange();
  });
  $('theme').addEventListener('change', () => {
    state.theme = $('theme').value;
    syncControls();
    afterViewChange(ALL_PANELS);
  });
  dark.addEventListener('change', () => {
    syncControls();
    scheduleDraw(ALL_PANELS);
    syncImages();
  });
  $('copy-link').addEventListener('click', copyLink);
  for (const canvas of document.querySelectorAll('canvas.time-plot')) bindCursorDrag(canvas);
  // A plot is redrawn when its own canvas changes size, not when the page's height does (a
  // progress bar or a message appearing must not redraw every plot).
  const resized = new ResizeObserver((entries) => scheduleDraw(entries.map((entry) => entry.target.dataset.panel)));
  for (const canvas of document.querySelectorAll('canvas.plot[data-panel]')) resized.observe(canvas);
}

/** Dragging on a time plot moves the cursor: canvas pixel → axis value → backward time. */
function bindCursorDrag(canvas) {
  const move = (event) => {
    const frame = frames[canvas.dataset.panel];
    if (!frame || !explorer) return;
    const rect = canvas.getBoundingClientRect();
    const px = ((event.clientX - rect.left) / rect.width) * canvas.width;
    const fraction = Math.min(Math.max((px - frame.left) / (frame.right - frame.left), 0), 1);
    state.cursor = explorer.timeAt(frame.xMin + fraction * (frame.xMax - frame.xMin), state.axis);
    afterCursorChange();
  };
  canvas.addEventListener('pointerdown', (event) => {
    canvas.setPointerCapture(event.pointerId);
    move(event);
  });
  canvas.addEventListener('pointermove', (event) => event.buttons && move(event));
}

async function copyLink() {
  try {
    await navigator.clipboard.writeText(location.href);
    $('copy-status').textContent = 'Link copied.';
  } catch {
    $('copy-status').textContent = `Copy this link: ${location.href}`;
  }
}

// ---------- exports ----------

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const anchor = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function exportPanel(panel, kind) {
  if (!explorer) return;
  const canvas = document.querySelector(`canvas[data-panel="${panel}"]`);
  const name = `ldm-explorer-${panel}.${kind}`;
  if (kind === 'png') {
    // The plot with its cursor layer, as the reader sees it.
    const image = Object.assign(document.createElement('canvas'), { width: canvas.width, height: canvas.height });
    const context = image.getContext('2d');
    context.drawImage(canvas, 0, 0);
    const layer = document.querySelector(`canvas[data-cursor-for="${panel}"]`);
    if (layer) context.drawImage(layer, 0, 0);
    image.toBlob((blob) => download(blob, name), 'image/png');
  } else if (kind === 'svg') {
    const width = Math.max(64, Math.round(canvas.clientWidth));
    const height = Math.max(64, Math.round(canvas.clientHeight));
    const options = viewOptions({ withCursor: TIME_PANELS.includes(panel) || panel === 'scatter' });
    download(new Blob([explorer.svg(panel, width, height, options)], { type: 'image/svg+xml' }), name);
  } else {
    download(new Blob([explorer.csv(panel, viewOptions({ withCursor: true }))], { type: 'text/csv' }), name);
  }
}

function addExportButtons() {
  for (const holder of document.querySelectorAll('.exports')) {
    const panel = holder.dataset.panel;
    for (const kind of (holder.dataset.kinds ?? 'png svg csv').split(' ')) {
      const text = holder.dataset.label ? `${holder.dataset.label} ${kind.toUpperCase()}` : kind.toUpperCase();
      const button = Object.assign(document.createElement('button'), { type: 'button', textContent: text });
      button.dataset.export = kind;
      button.setAttribute('aria-label', `Download the ${panel} plot as ${kind.toUpperCase()}`);
      button.addEventListener('click', () => exportPanel(panel, kind));
      holder.append(button);
    }
  }
}

// ---------- start ----------

function applyEmbedMode() {
  const embed = new URLSearchParams(location.search).get('embed');
  if (embed === null) return;
  document.body.classList.add('embed');
  const panel = EMBEDDABLE.includes(embed) ? embed : 'curves';
  document.querySelector(`section[data-panel="${panel}"]`).classList.add('embedded');
  if (!EMBEDDABLE.includes(embed)) {
    $('url-problems').hidden = false;
    $('url-problems').textContent = `embed: unknown panel "${embed}"; use one of ${EMBEDDABLE.join(', ')}. Showing the curves.`;
  }
}

async function start() {
  await init();
  ({ maxDimension, maxSampledValues, maxMonteCarloDimension } = limits());
  const parsed = parseHash(location.hash);
  state = parsed.state;
  if (parsed.problems.length) {
    $('url-problems').hidden = false;
    $('url-problems').textContent = `This link had problems: ${parsed.problems.join('; ')}.`;
  }
  applyEmbedMode();
  addExportButtons();
  syncControls();
  bindControls();
  setupImages({ getState: () => state, onFieldInput, setMessage, writeUrl, download, theme: effectiveTheme });
  if (!compute()) {
    // A link whose data cannot be computed: draw the defaults meanwhile, then compute the link's
    // state again so that its messages stand beside the controls (a failure keeps the model).
    const kept = state;
    state = { ...DEFAULTS, theme: kept.theme };
    compute();
    state = kept;
    syncControls();
    compute();
  } else {
    writeUrl();
  }
  scheduleDraw(ALL_PANELS);
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  // Sampling starts once the closed forms are on screen, so that the worker's start does not
  // compete with the first curve.
  syncSimulation();
  document.body.dataset.ready = 'true';
}

// A small handle for tests and the benchmark page: read-only views of the state and timings.
window.ldmExplorer = {
  timings,
  state: () => ({ ...state }),
  summary: () => summary,
  simulating: () => Boolean(running.scatter || running.monteCarlo),
  images: imagesView,
};

start().catch((error) => {
  $('fatal').hidden = false;
  $('fatal').textContent = `The explorer could not start: ${error.message}`;
  throw error;
});
