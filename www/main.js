// The explorer page starts here: it loads the page's module, builds the state store from the URL
// hash, computes the model and sets up each part of the page, in the order the store tells them
// about a change (ARCHITECTURE.md: a control → the store → the model → the URL, the controls,
// the panels, the samplers, the images). What the first curve does not need (sampling, files,
// exports, images) is imported once it is drawn, so that fewer modules stand in its way.
import init, { limits as moduleLimits, names as moduleNames } from './pkg/ldm_explorer.js';
import { DEFAULTS, createFields, defaultsFor } from './state.js';
import { createStore } from './store.js';
import { computeFirstModel, setupModel } from './model.js';
import { reportLinkProblems, setupUrl, writeUrl } from './url.js';
import { setupControls } from './controls.js';
import { setupSummaries } from './summary.js';
import { setupCursor } from './cursor.js';
import { setupPanels } from './panels.js';
import { applyEmbedMode, startSizeReports } from './embed.js';
import { followSystemTheme } from './view.js';

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
/** Lets the browser run what is waiting (input, a frame) before the next part of the start. */
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
/** Shows the page that a link kept out of sight until laid out (index.html). */
const reveal = () => document.documentElement.classList.remove('starting');

async function start() {
  await init();
  const names = moduleNames();
  const limits = moduleLimits();
  const fields = createFields({ names, limits });
  const parsed = fields.parseHash(location.hash);
  const store = createStore(fields, parsed.state);
  reportLinkProblems(parsed.problems);
  applyEmbedMode();
  // A link whose data cannot be computed draws the defaults meanwhile, its messages beside the controls.
  computeFirstModel(store, defaultsFor(DEFAULTS.preset), limits);
  setupModel(store, limits);
  setupUrl(store);
  // The start runs in a few tasks, none of which holds the page for long on a slow phone; a link
  // pasted meanwhile is heard (setupUrl listens), and the page's parts follow the store from here.
  await nextTask();
  setupControls(store, names);
  setupSummaries(store);
  setupCursor(store);
  const { scheduleDraw, drawNow, stale } = setupPanels(store, names.panels);
  followSystemTheme(store);
  // The address bar gets the link as the page read it: fields it could not use are dropped, and a
  // refused one keeps the default that is drawn instead (its message is beside its control).
  writeUrl(store);
  await nextFrame();
  // The layout is final once the panels in view are drawn (their readouts take room), unless the
  // guided reading opens: its card takes room too (setupTour).
  if (!store.get().tour) reveal();
  const [{ setupSimulation }, { setupUploads }, { setupExports }, { setupImages, imagesView }, { setupEmbedControl }, { setupTour }] = await Promise.all([
    import('./simulation.js'),
    import('./uploads.js'),
    import('./exports.js'),
    import('./images.js'),
    import('./embed-control.js'),
    import('./tour.js'),
  ]);
  const simulation = setupSimulation(store, limits, scheduleDraw);
  setupUploads(store, limits);
  await nextTask();
  setupExports(store, names.panels, drawNow);
  await nextTask();
  setupImages(store);
  setupEmbedControl();
  await nextTask();
  setupTour(store, { images: imagesView });
  reveal();
  startSizeReports();
  // A small handle for tests and the benchmark page: read-only views of the state and timings.
  window.ldmExplorer = {
    timings: store.timings,
    state: () => ({ ...store.get() }),
    summary: () => store.model().summary,
    frames: () => ({ ...store.frames }),
    stale,
    simulating: simulation.simulating,
    images: imagesView,
  };
  // Sampling starts once the closed forms are on screen, so that the worker's start does not
  // compete with the first curve.
  simulation.start();
  document.body.dataset.ready = 'true';
}

start().catch((error) => {
  reveal();
  const fatal = document.getElementById('fatal');
  fatal.hidden = false;
  fatal.textContent = `The explorer could not start: ${error.message}`;
  throw error;
});
