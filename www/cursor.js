// The time cursor: the slider, dragging on any time plot, Play, and what follows the cursor
// without redrawing a plot (the line on each time plot's layer and the exact readout).
import { format } from './format.js';

const $ = (id) => document.getElementById(id);
const CURSOR_COLOUR = '#d6278c';
const PLAY_SECONDS = 4;

/** The cursor line on the layer above each time plot, at the frames the plots were drawn with. */
function drawCursors(store, readout) {
  const scale = window.devicePixelRatio || 1;
  const x = store.get().axis === 't' ? readout.t : readout.logSnr;
  for (const layer of document.querySelectorAll('canvas.cursor-layer')) {
    const plot = document.querySelector(`canvas[data-panel="${layer.dataset.cursorFor}"]`);
    const frame = store.frames[layer.dataset.cursorFor];
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

/** The exact values at the cursor, and its line on the time plots. */
export function renderCursor(store) {
  const model = store.model();
  if (!model) return;
  const { cursor, d } = store.get();
  const { summary } = model;
  const r = model.explorer.readout(cursor);
  drawCursors(store, r);
  $('cursor').max = String(summary.T);
  $('cursor').value = String(cursor);
  $('cursor-value').textContent = `t = ${cursor.toFixed(3)}`;
  const shown = summary.dimension <= 12
    ? Array.from(r.fd2, (v, k) => `d=${k + 1}: ${format(v)}`)
    : [`d=${r.bestDim}: ${format(r.fd2[r.bestDim - 1])}`];
  if (d > 0 && d <= summary.dimension && summary.dimension > 12) shown.push(`d=${d}: ${format(r.fd2[d - 1])}`);
  $('readout').textContent =
    `At t = ${r.t.toFixed(3)} (LogSNR ${Number.isFinite(r.logSnr) ? r.logSnr.toFixed(2) : '+∞'}): best latent dimension ` +
    `${r.bestDim}${summary.exactScore ? '' : ` (exact score: ${r.bestDimExact})`}. dF² — ${shown.join('; ')}.` +
    ` Under the cap: best d ${1 + r.fd2Capped.indexOf(Math.min(...r.fd2Capped))}.`;
}

/** Dragging on a time plot moves the cursor: canvas pixel → axis value → backward time. */
function bindCursorDrag(store, canvas) {
  const move = (event) => {
    const frame = store.frames[canvas.dataset.panel];
    const model = store.model();
    if (!frame || !model) return;
    const rect = canvas.getBoundingClientRect();
    const px = ((event.clientX - rect.left) / rect.width) * canvas.width;
    const fraction = Math.min(Math.max((px - frame.left) / (frame.right - frame.left), 0), 1);
    store.set({ cursor: model.explorer.timeAt(frame.xMin + fraction * (frame.xMax - frame.xMin), store.get().axis) });
  };
  canvas.addEventListener('pointerdown', (event) => {
    canvas.setPointerCapture(event.pointerId);
    move(event);
  });
  canvas.addEventListener('pointermove', (event) => event.buttons && move(event));
}

/** Play runs the cursor from where it is (or from noise) to the sampler's d's optimal stop. */
function setupPlay(store) {
  let playing = null; // {from, end, started} while the cursor runs
  const stop = () => {
    playing = null;
    $('play').setAttribute('aria-pressed', 'false');
    $('play').textContent = '▶ Play';
  };
  // A new model (T, the schedule or the data changed) moves the run's end: Play stops there, and
  // the model has already kept the cursor within the new [0, T].
  store.subscribe((change) => {
    if (playing && change.model === 'new') stop();
  });
  const frame = (now) => {
    if (!playing) return;
    // A frame's timestamp can precede the click that started Play: never run backwards from `from`.
    const fraction = Math.min(Math.max((now - playing.started) / (PLAY_SECONDS * 1000 * (1 - playing.from / playing.end || 1)), 0), 1);
    store.set({ cursor: fraction < 1 ? playing.from + (playing.end - playing.from) * fraction : playing.end });
    if (fraction < 1) requestAnimationFrame(frame);
    else stop();
  };
  $('play').addEventListener('click', () => {
    const model = store.model();
    if (playing) return stop();
    if (!model) return;
    const d = model.explorer.samplerDimension(store.get().d);
    const end = model.summary.optimalStop[d - 1];
    const cursor = store.get().cursor;
    playing = { from: cursor >= end - 1e-9 ? 0 : cursor, end, started: performance.now() };
    $('play').setAttribute('aria-pressed', 'true');
    $('play').textContent = '❚❚ Pause';
    requestAnimationFrame(frame);
  });
}

export function setupCursor(store) {
  $('cursor').addEventListener('input', () => store.set({ cursor: Number($('cursor').value) }, 'cursor'));
  for (const canvas of document.querySelectorAll('canvas.time-plot')) bindCursorDrag(store, canvas);
  setupPlay(store);
}
