// The data and view controls: a typed value enters the state only when valid (else it is explained
// beside its control and left out), and the controls show the state whenever it changes elsewhere
// (a preset, a link, an upload, the cap's slider).
import { FIGURE_4_LEFT, PRESET_PARAMETERS } from './presets.js';
import { VIEW_FIELDS, defaultsFor } from './state.js';
import { clearMessages, setMessage } from './messages.js';
import { effectiveTheme } from './view.js';

const $ = (id) => document.getElementById(id);

/** Fields read through the state's field rules as they are typed. */
const TYPED_FIELDS = ['lambda', 'alpha', 'sigma2', 'd0', 'D', 'n', 'seed', 'T', 'C', 'd', 'steps', 'scatterX', 'scatterY',
  'samples', 'runs', 'sampleSeed', 'xRange', 'yRange', 'seeds'];
/** Fields shown as a plain input or select whose value is the state's. */
const VALUE_FIELDS = [...TYPED_FIELDS, 'sampler', 'preset', 'variances', 'schedule', 'axis', 'theme'];
const PARAMETER_FIELDS = ['lambda', 'alpha', 'sigma2', 'd0', 'D', 'variances'];
/** How the page labels the module's names (a name without a label shows as itself). */
const LABELS = {
  ou: 'OU',
  'vp-linear': 'VP, linear β',
  'rectified-flow': 'rectified flow',
  'euler-maruyama': 'Euler–Maruyama',
  'flow-heun': 'flow, Heun',
  'flow-exact': 'flow, exact step',
  t: 'time t',
  logSnr: 'LogSNR',
  gaussian: "Gaussian (the paper's)",
  empirical: 'empirical (memorises)',
};

/**
 * The options of the selects are the module's names. The markup lists them too, so that a select
 * has its width before this runs (nothing moves); here they are rebuilt from the module's own.
 */
function buildControls(names) {
  const lists = { schedule: names.schedules, axis: names.axes, sampler: names.methods, imgScore: names.imageScores, theme: names.themes };
  for (const [id, values] of Object.entries(lists)) {
    const options = values.map((value) => new Option(LABELS[value] ?? value, value));
    $(id).replaceChildren(...(id === 'theme' ? [new Option('system', 'auto')] : []), ...options);
  }
}

/**
 * The numeric fields are text inputs (`inputmode` brings up a number pad), so that a message can
 * quote what was typed: a number input hides anything it cannot parse. ↑ and ↓ still step them
 * by their `data-step`, as a number input would.
 */
function bindStepping() {
  document.addEventListener('keydown', (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.step || !['ArrowUp', 'ArrowDown'].includes(event.key)) return;
    const value = Number(input.value.trim());
    if (input.value.trim() === '' || !Number.isFinite(value)) return;
    event.preventDefault();
    const step = Number(input.dataset.step);
    const decimals = (input.dataset.step.split('.')[1] ?? '').length;
    input.value = String(Number((value + (event.key === 'ArrowUp' ? step : -step)).toFixed(decimals)));
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

/** The whole run on every time plot, fitted to the curves. */
export function showFullRange(store) {
  clearMessages(['xRange', 'yRange']);
  store.set({ xRange: '', yRange: '' });
}

/** A typed value: a valid one enters the state, an invalid one is explained and left out. */
export function onFieldInput(store, field) {
  const { value, error } = store.fields.readField(field, $(field).value);
  if (error) {
    setMessage(field, `${field} ${error}`);
    return;
  }
  setMessage(field, '');
  store.set({ [field]: value }, field);
}

/** Shows the state in the controls, except in the one the change came from (left as typed). */
export function syncControls(state, fields, source = null) {
  for (const field of VALUE_FIELDS) if (fields.has(field) && field !== source) $(field).value = String(state[field]);
  if (fields.has('C') && source !== 'C-slider') $('C-slider').value = String(Math.log10(state.C));
  if (fields.has('overlay')) {
    $('overlay').checked = state.overlay === 'on';
    document.querySelector('.exports[data-panel="sampler"]').hidden = state.overlay !== 'on';
  }
  if (fields.has('score')) {
    for (const radio of document.querySelectorAll('input[name="score"]')) radio.checked = radio.value === state.score;
    $('n').disabled = state.score !== 'plug-in';
    $('seed').disabled = state.score !== 'plug-in';
  }
  if (fields.has('preset')) {
    for (const field of PARAMETER_FIELDS) {
      const wrapper = document.querySelector(`.field[data-for="${field}"]`);
      if (wrapper) wrapper.hidden = !PRESET_PARAMETERS[state.preset].includes(field);
    }
  }
  if (fields.has('theme')) document.documentElement.dataset.theme = effectiveTheme(state);
}

export function setupControls(store, names) {
  buildControls(names);
  bindStepping();
  const state = store.get();
  syncControls(state, new Set([...VALUE_FIELDS, 'overlay', 'score', 'preset', 'theme']));
  // A highlighted d beyond the data's D, typed or from a link, is explained (and the best d shown).
  const checkHighlight = () => {
    const summary = store.model()?.summary;
    const { d } = store.get();
    const beyond = summary && d > summary.dimension;
    if (beyond) setMessage('d', `d: the data has D = ${summary.dimension} dimensions, got ${d}; showing the best d`);
    return beyond;
  };
  checkHighlight();
  store.subscribe((change) => {
    syncControls(store.get(), change.changed, change.source);
    if ((change.changed.has('d') || change.model === 'new') && !checkHighlight() && change.changed.has('d')) setMessage('d', '');
  });
  for (const field of TYPED_FIELDS) $(field).addEventListener('input', () => onFieldInput(store, field));
  $('variances').addEventListener('input', () => store.set({ variances: $('variances').value }, 'variances'));
  $('preset').addEventListener('change', () => {
    const preset = $('preset').value;
    // A preset opens on its own view (a figure's score, times and window; the others' defaults).
    const defaults = defaultsFor(preset);
    const patch = { preset, ...Object.fromEntries(VIEW_FIELDS.map((field) => [field, defaults[field]])) };
    clearMessages(VIEW_FIELDS);
    if (preset === 'custom' && !store.get().variances.trim()) patch.variances = FIGURE_4_LEFT.join(', ');
    store.set(patch, 'preset');
  });
  for (const radio of document.querySelectorAll('input[name="score"]')) {
    radio.addEventListener('change', () => store.set({ score: radio.value }));
  }
  $('schedule').addEventListener('change', () => {
    const schedule = $('schedule').value;
    // The schedules other than OU live on [0, 1].
    store.set(schedule !== 'ou' && store.get().T > 1 ? { schedule, T: 1 } : { schedule }, 'schedule');
  });
  $('C-slider').addEventListener('input', () => {
    setMessage('C', '');
    store.set({ C: Number((10 ** Number($('C-slider').value)).toPrecision(4)) }, 'C-slider');
  });
  for (const field of ['sampler', 'theme']) {
    $(field).addEventListener('change', () => store.set({ [field]: $(field).value }, field));
  }
  // An x window is in the axis' unit: another axis shows the whole run.
  $('axis').addEventListener('change', () => {
    setMessage('xRange', '');
    store.set({ axis: $('axis').value, xRange: '' }, 'axis');
  });
  $('full-range').addEventListener('click', () => showFullRange(store));
  $('overlay').addEventListener('change', () => store.set({ overlay: $('overlay').checked ? 'on' : 'off' }));
}
