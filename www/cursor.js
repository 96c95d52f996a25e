// The time cursor: the slider, dragging on any time plot, Play, and what follows the cursor
// without redrawing a plot (the line on each time plot's layer and the exact readout).
import { format } from './format.js';
import { showFullRange } from './controls.js';

const $ = (id) => document.getElementById(id);
const CURSOR_COLOUR = '#d6278c';
const PLAY_SECONDS = 4;

/** The axis value a time plot shows at a canvas column (its frame as last drawn). */
const axisValueAt = (frame, column) => frame.xMin + ((column - frame.left) / (frame.right - frame.left)) * (frame.xMax - frame.xMin);

/** A zoom being dragged: the plot's panel and the two canvas columns. */
let selection = null;

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
    if (!frame) continue;
    if (selection?.panel === layer.dataset.cursorFor) {
      const [from, to] = [Math.min(selection.from, selection.to), Math.max(selection.from, selection.to)];
      context.fillStyle = 'rgba(47, 109, 179, 0.18)';
      context.fillRect(from, frame.top, to - from, frame.bottom - frame.top);
    }
    // A cursor outside a zoomed window has no line.
    if (!(Number.isFinite(x) && x >= frame.xMin && x <= frame.xMax)) continue;
    const px = Math.round(frame.left + ((x - frame.xMin) / (frame.xMax - frame.xMin)) * (frame.right - frame.left)) + 0.5;
    context.strokeStyle = CURSOR_COLOUR;
    context.lineWidth = Math.max(1, 1.5 * scale);
    context.beginPath();
    // Around the legend, not across its words.
    const [left, top, right, bottom] = frame.legend ?? [];
    const breaks = px >= left - 2 && px <= right + 2;
    for (const [from, to] of breaks ? [[frame.top, top - 2], [bottom + 2, frame.bottom]] : [[frame.top, frame.bottom]]) {
      if (to <= from) continue;
      context.moveTo(px, from);
      context.lineTo(px, to);
    }
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

/**
 * Dragging on a time plot moves the cursor (canvas pixel → axis value → backward time); with Shift
 * or in zoom mode it picks an x window instead. A double click shows the whole run.
 */
function bindCursorDrag(store, canvas) {
  const panel = canvas.dataset.panel;
  /** The pointer's canvas column, kept within the plot, and the axis value there. */
  const at = (event, frame) => {
    const rect = canvas.getBoundingClientRect();
    const px = ((event.clientX - rect.left) / rect.width) * canvas.width;
    const column = Math.min(Math.max(px, frame.left), frame.right);
    return { column, x: axisValueAt(frame, column) };
  };
  const move = (event) => {
    const frame = store.frames[panel];
    const model = store.model();
    if (!frame || !model) return;
    if (selection) {
      selection.to = at(event, frame).column;
      renderCursor(store);
      return;
    }
    store.set({ cursor: model.explorer.timeAt(at(event, frame).x, store.get().axis) });
  };
  canvas.addEventListener('pointerdown', (event) => {
    canvas.setPointerCapture(event.pointerId);
    const frame = store.frames[panel];
    if (frame && (event.shiftKey || $('zoom-mode').getAttribute('aria-pressed') === 'true')) {
      const { column } = at(event, frame);
      selection = { panel, from: column, to: column };
      return;
    }
    move(event);
  });
  canvas.addEventListener('pointermove', (event) => event.buttons && move(event));
  const finish = () => {
    const frame = store.frames[panel];
    const picked = selection;
    selection = null;
    if (!picked || !frame) return renderCursor(store);
    // Four significant digits keep the link short; a window narrower than a few pixels is a click.
    const [low, high] = [Math.min(picked.from, picked.to), Math.max(picked.from, picked.to)].map((c) => Number(axisValueAt(frame, c).toPrecision(4)));
    const text = `${low},${high}`;
    const { value: xRange, error } = store.fields.readField('xRange', text);
    if (Math.abs(picked.to - picked.from) < 4 || error) return renderCursor(store);
    store.set({ xRange });
  };
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointercancel', () => {
    selection = null;
    renderCursor(store);
  });
  canvas.addEventListener('dblclick', () => showFullRange(store));
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
    // A stop not found yet (large D, found after the curves) plays to T meanwhile.
    const end = Number.isFinite(model.summary.optimalStop[d - 1]) ? model.summary.optimalStop[d - 1] : model.summary.T;
    const cursor = store.get().cursor;
    playing = { from: cursor >= end - 1e-9 ? 0 : cursor, end, started: performance.now() };
    $('play').setAttribute('aria-pressed', 'true');
    $('play').textContent = '❚❚ Pause';
    requestAnimationFrame(frame);
  });
}

export function setupCursor(store) {
  $('zoom-mode').addEventListener('click', () => {
    const pressed = $('zoom-mode').getAttribute('aria-pressed') !== 'true';
    $('zoom-mode').setAttribute('aria-pressed', String(pressed));
  });
  $('cursor').addEventListener('input', () => store.set({ cursor: Number($('cursor').value) }, 'cursor'));
  for (const canvas of document.querySelectorAll('canvas.time-plot')) bindCursorDrag(store, canvas);
  setupPlay(store);
}
