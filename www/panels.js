// The panels the model draws on canvases. A change redraws only the panels it affects, in a task
// just after the next animation frame; a panel is redrawn when its own canvas changes size, not
// when the page's height does. The panel registry (names, which are time plots, which follow the cap or the sampler) is
// the module's (names()).
import { renderCursor } from './cursor.js';
import { touches } from './store.js';
import { SAMPLER_FIELDS } from './model.js';
import { viewOptions } from './view.js';

const $ = (id) => document.getElementById(id);
const started = performance.now();
const FRAME_BUDGET_MS = 12;

export function setupPanels(store, registry) {
  const drawn = registry.filter((p) => p.drawn).map((p) => p.name);
  const ofKind = (kind) => registry.filter((p) => p.drawn && p[kind]).map((p) => p.name);
  const timePlots = ofKind('timePlot');
  const capped = ofKind('capped');
  const followingTheSampler = ofKind('followsTheSampler');
  const pending = new Set();
  let frameRequested = false;
  let drawnScatterStep = null; // the sampler step the scatter shows

  /** The scatter's step at the cursor (null when there is no sampler to show). */
  const scatterStepAtCursor = () => {
    const model = store.model();
    return model && !model.samplerError ? model.explorer.scatterStep(store.get().cursor) : null;
  };

  /** A panel's canvas, or null when it is not on the page (an embed shows one panel). */
  const shownCanvas = (panel) => {
    const canvas = document.querySelector(`canvas[data-panel="${panel}"]`);
    return canvas && canvas.offsetParent !== null ? canvas : null;
  };

  // The panels whose canvas is in the window or within half a window of it (drawn ahead of a
  // scroll), as the intersection observer below last reported: asking the layout in the middle of
  // a frame would lay the whole page out once more. A canvas not shown is never near.
  const near = new Set();

  /** The canvas's size in device pixels, the size its drawing is made for. */
  const deviceSize = (canvas) => {
    const scale = window.devicePixelRatio || 1;
    return { width: Math.round(canvas.clientWidth * scale), height: Math.round(canvas.clientHeight * scale), scale };
  };
  // Panels changed while far from the window: drawn when they come near it. A phone's first load
  // then draws two panels, not ten, and no page change draws what nobody sees.
  const deferred = new Set();

  function drawPending() {
    frameRequested = false;
    const model = store.model();
    if (!model) return;
    const options = viewOptions(store);
    const frameStart = performance.now();
    for (const panel of [...pending]) {
      // A task draws panels for about 12 ms (one large one at least) and leaves the rest to the next
      // frame: a whole page's redraw never holds the main thread for long.
      if (performance.now() - frameStart > FRAME_BUDGET_MS) break;
      pending.delete(panel);
      if (!near.has(panel)) {
        deferred.add(panel);
        continue;
      }
      drawPanel(panel, document.querySelector(`canvas[data-panel="${panel}"]`), model, options);
    }
    if (pending.size > 0) scheduleDraw([]);
    const start = performance.now();
    renderCursor(store);
    store.timings.lastCursorMs = performance.now() - start;
  }

  function drawPanel(panel, canvas, model, options) {
    deferred.delete(panel);
    if (panel === 'scatter' && model.samplerError) {
      canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
      return;
    }
    const { width, height, scale } = deviceSize(canvas);
    // Hidden since the observer last saw it: drawn when it shows again.
    if (width === 0 || height === 0) return deferred.add(panel);
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const start = performance.now();
    try {
      const cursor = panel === 'scatter' ? store.get().cursor : undefined;
      store.frames[panel] = model.explorer.draw(panel, canvas, { ...options, cursor, scale });
      if (panel === 'scatter') drawnScatterStep = scatterStepAtCursor();
    } catch (error) {
      $(panel === 'scatter' ? 'sim-status' : 'curves-message').textContent = error.message;
    }
    store.timings.lastDrawMs[panel] = performance.now() - start;
    store.timings.draws[panel] = (store.timings.draws[panel] ?? 0) + 1;
    if (panel === 'curves' && store.timings.firstCurveMs === null) {
      store.timings.firstCurveMs = performance.now() - started;
      performance.mark('first-curve');
    }
  }

  /** Draws a panel now if a change has not reached it yet (before its PNG is taken). */
  function drawNow(panel) {
    const canvas = shownCanvas(panel);
    const model = store.model();
    if (!model || !canvas || !(deferred.has(panel) || pending.has(panel))) return;
    pending.delete(panel);
    drawPanel(panel, canvas, model, viewOptions(store));
  }

  // Printing shows every panel: those never scrolled to are drawn first.
  window.addEventListener('beforeprint', () => [...deferred].forEach(drawNow));

  /** Whether a change has not reached a panel's canvas yet (for the tests). */
  const stale = (panel) => pending.has(panel) || deferred.has(panel);

  function scheduleDraw(panels) {
    for (const panel of panels) pending.add(panel);
    if (!frameRequested) {
      frameRequested = true;
      // Panels are drawn in a task of their own just after a frame, not within it: the page's
      // layout and the drawing are then two shorter tasks instead of one long one. The cursor's
      // layer alone is drawn within the frame.
      requestAnimationFrame(() => (pending.size > 0 ? setTimeout(drawPending, 0) : drawPending()));
    }
  }

  store.subscribe((change) => {
    if (change.model === 'refused') return;
    if (change.model === 'new' || change.changed.has('theme')) return scheduleDraw(drawn);
    const panels = new Set(change.model === 'cap' ? capped : change.model === 'seeds' ? ['seeds'] : change.model === 'verdicts' ? ['curves'] : []);
    // The seeds panel's bottom chart is in the time plots' unit.
    if (change.changed.has('axis')) panels.add('seeds');
    if (touches(change, ['axis', 'xRange', 'yRange'])) timePlots.forEach((p) => panels.add(p));
    if (touches(change, ['d', ...SAMPLER_FIELDS])) followingTheSampler.forEach((p) => panels.add(p));
    // The cursor's layer and readout follow at once; the scatter only when it reaches another step.
    if (change.changed.has('cursor') && scatterStepAtCursor() !== drawnScatterStep) panels.add('scatter');
    if (panels.size > 0 || change.changed.has('cursor')) scheduleDraw(panels);
  });
  // A resize observer reports every canvas once when it starts observing, before the first draw:
  // only a canvas whose drawing was made at another size than it now has is (re)drawn.
  const resized = new ResizeObserver((entries) => scheduleDraw(entries
    .filter(({ target }) => {
      const { width, height } = deviceSize(target);
      return target.width !== width || target.height !== height;
    })
    .map(({ target }) => target.dataset.panel)));
  const nearing = new IntersectionObserver((entries) => {
    for (const { target, isIntersecting } of entries) {
      if (isIntersecting) near.add(target.dataset.panel);
      else near.delete(target.dataset.panel);
    }
    scheduleDraw(entries.filter((e) => e.isIntersecting && deferred.has(e.target.dataset.panel)).map((e) => e.target.dataset.panel));
  }, { rootMargin: '50% 0px' });
  for (const canvas of document.querySelectorAll('canvas.plot[data-panel]')) {
    resized.observe(canvas);
    nearing.observe(canvas);
  }
  scheduleDraw(drawn);
  return { scheduleDraw, drawNow, stale };
}
