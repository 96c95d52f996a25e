// The page's model: one wasm Explorer per data set, computed when the data change, given a new cap
// or sampler when those change. A change the core refuses is explained beside its control and
// keeps the last good model; the change is marked `model: 'refused'` so that no later listener
// acts on it.
import { Explorer, estimateVariances } from './pkg/ldm_explorer.js';
import { PRESET_PARAMETERS, presetVariances } from './presets.js';
import { parseVarianceList } from './state.js';
import { clearMessages, setMessage } from './messages.js';
import { touches } from './store.js';
import { showVerdictsProgress } from './summary.js';

/** The fields the curves are computed from. */
export const DATA_FIELDS = ['preset', 'lambda', 'alpha', 'sigma2', 'd0', 'D', 'variances', 'score', 'n', 'seed', 'T', 'schedule'];
/** The fields of the sampler panels' sampler. */
export const SAMPLER_FIELDS = ['sampler', 'steps', 'overlay'];
const POINTS = 400;
/** Prop 3's roots the constructor finds, in slope terms (a root for d costs about d): every d up to
 *  D ≈ 1000, some 10 ms in wasm. At larger D the rest are found a task at a time after the curves
 *  are drawn, so that no keystroke holds the page for the O(D²) of them. */
const VERDICT_WORK = 1_000_000;
const VERDICTS_TASK_MS = 8;
/** How often the progress line (a live region) is rewritten while the stops are found. */
const VERDICTS_PROGRESS_MS = 400;
const VERDICT_WORK_PER_CALL = 100_000;

/** The control a core error belongs to: its message starts with the field it names. */
function controlOf(message, state) {
  const field = message.split(':')[0].replace(/\[.*$/, '').trim();
  if (field === 'variances') {
    if (state.preset === 'custom') return 'variances';
    return PRESET_PARAMETERS[state.preset].includes('D') ? 'D' : 'preset';
  }
  return { estimatedVariances: 'n', T: 'T', C: 'C', n: 'n', seed: 'seed', schedule: 'schedule' }[field] ?? 'preset';
}

/** The messages a computation of the model may leave beside the controls. */
const clearDataMessages = () => clearMessages(['preset', 'variances', 'score', 'schedule', 'C', ...DATA_FIELDS]);

/** A new model for the state's data, or null (with its message beside the control) when refused. */
function computeExplorer(state, maxDimension) {
  if (PRESET_PARAMETERS[state.preset].includes('D') && state.D > maxDimension) {
    setMessage('D', `at most ${maxDimension} dimensions are supported, got ${state.D}`);
    return null;
  }
  const variances = presetVariances(state, parseVarianceList);
  if (variances.error) {
    setMessage(variances.field, variances.error);
    return null;
  }
  try {
    const estimatedVariances =
      state.score === 'plug-in' ? estimateVariances({ variances: variances.values, n: state.n, seed: state.seed }) : undefined;
    return new Explorer({
      variances: variances.values, estimatedVariances, T: state.T, points: POINTS, schedule: state.schedule, C: state.C,
      verdictWork: VERDICT_WORK,
    });
  } catch (error) {
    setMessage(controlOf(error.message, state), error.message);
    return null;
  }
}

/**
 * Work on the model done a task at a time after the curves: `advance()` (true once all is done) is
 * called until a task has run `taskMs`, then the page gets the main thread back (`yielded()`), while
 * `explorer` is still the model's and `current()` holds; then `finish(model)`. An error from either
 * goes to `failed(error)`.
 */
function inTasks(store, explorer, taskMs, { advance, finish, failed, yielded = () => {}, current = () => true }) {
  const step = () => {
    const model = store.model();
    if (!current() || model?.explorer !== explorer) return;
    try {
      const deadline = performance.now() + taskMs;
      let done;
      do done = advance();
      while (!done && performance.now() < deadline);
      if (!done) {
        yielded();
        return setTimeout(step, 0);
      }
      finish(model);
    } catch (error) {
      failed(error);
    }
  };
  setTimeout(step, 0);
}

/** The seeds study draws a seed at a time until a task has run this long, then yields: short
 *  enough that a task stays well under 50 ms on a phone four times slower than a desktop. */
const SEEDS_TASK_MS = 5;
const SEEDS_PER_CALL = 1;
let seedsRun = 0; // the study being drawn; a newer one supersedes it

/**
 * The seeds panel's study of the state's n and seeds, drawn a few seeds per task after the curves
 * (it is not on the first curve's path, and never holds the page for long). When it is done the
 * model holds its numbers for the state's seed and the panels hear `model: 'seeds'`. A refused study
 * (too much work for the page) leaves its message beside the seeds, and the panel says why.
 */
function studySeeds(store) {
  const run = ++seedsRun;
  const { explorer } = store.model();
  const state = store.get();
  setMessage('seeds', '');
  try {
    explorer.studySeeds(state.n, state.seeds);
  } catch (error) {
    setMessage('seeds', error.message);
    return;
  }
  const notify = () => store.notify({ changed: new Set(), source: 'seeds', model: 'seeds' });
  inTasks(store, explorer, SEEDS_TASK_MS, {
    current: () => run === seedsRun,
    advance: () => explorer.advanceSeeds(SEEDS_PER_CALL) >= state.seeds,
    finish: (model) => {
      store.setModel({ ...model, seeds: explorer.seedSummary(store.get().seed) });
      notify();
    },
    failed: (error) => {
      setMessage('seeds', error.message);
      notify();
    },
  });
}

/**
 * The optimal stops the constructor left (large D), found a few hundred d per task; the summary
 * says how far it is meanwhile. When all are found the model's summary has them and the panels
 * hear `model: 'verdicts'`.
 */
function findVerdicts(store) {
  const { explorer, summary } = store.model();
  let shown = performance.now();
  inTasks(store, explorer, VERDICTS_TASK_MS, {
    advance: () => explorer.findVerdicts(VERDICT_WORK_PER_CALL),
    yielded: () => {
      if (performance.now() - shown < VERDICTS_PROGRESS_MS) return;
      shown = performance.now();
      showVerdictsProgress(explorer.verdictsFound(), summary.dimension);
    },
    finish: (model) => {
      store.setModel({ ...model, summary: explorer.summary() });
      store.notify({ changed: new Set(), source: 'verdicts', model: 'verdicts' });
    },
    // A trap: the guard reports it and rebuilds the model, which starts its own search.
    failed: () => {},
  });
}

/** The sampler of the sampler panels; its checks (steps, schedule) speak beside the steps. */
function samplerError(explorer, state) {
  setMessage('steps', '');
  try {
    explorer.setSampler(state.sampler, state.steps, state.overlay === 'on');
    return '';
  } catch (error) {
    setMessage('steps', error.message);
    return error.message;
  }
}

/**
 * Computes the model for the store's state. A state the core refuses (a link with a bad spectrum)
 * is kept with its messages, while the defaults' model is drawn meanwhile. Returns whether the
 * state's own data computed.
 */
export function computeFirstModel(store, defaults, limits) {
  const state = store.get();
  clearDataMessages();
  let explorer = computeExplorer(state, limits.maxDimension);
  const computed = Boolean(explorer);
  // The defaults always compute, so the link's messages stay beside the controls.
  explorer ??= computeExplorer({ ...defaults, theme: state.theme }, limits.maxDimension);
  install(store, explorer, null);
  return computed;
}

/**
 * The explorer behind a guard: a trap in the core (a WebAssembly.RuntimeError, which Rust's panics
 * become) leaves that object unusable (its Rust value stays borrowed), so the first trap rebuilds
 * the model from the state, says so once at the top of the page, and the trapped object is never
 * called again. The error still reaches the caller, which stops what it was doing.
 */
function guarded(explorer, onTrap) {
  let trapped = false;
  return new Proxy(explorer, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args) => {
        if (trapped) throw new Error('this model was rebuilt after an internal error');
        try {
          return value.apply(target, args);
        } catch (error) {
          if (error instanceof WebAssembly.RuntimeError) {
            trapped = true;
            queueMicrotask(() => onTrap(error));
          }
          throw error;
        }
      };
    },
  });
}

/** Rebuilds the model after a trap, as if every data field had changed (so every panel redraws). */
function rebuild(store, error) {
  const problem = document.getElementById('core-problem');
  problem.hidden = false;
  problem.textContent = `The explorer's core stopped on an internal error (${error.message}) and was rebuilt ` +
    'from your settings; the last change may not have taken effect.';
  store.setModel({ ...store.model(), trapped: true });
  store.notify({ changed: new Set(DATA_FIELDS), source: 'rebuild' });
}

/** Makes `explorer` the model (freeing the one it replaces) and keeps the cursor within [0, T]. */
function install(store, explorer, change) {
  const previous = store.model();
  if (!previous?.trapped) previous?.explorer.free();
  explorer = guarded(explorer, (error) => rebuild(store, error));
  const summary = explorer.summary();
  store.setModel({ explorer, summary, samplerError: samplerError(explorer, store.get()), seeds: null });
  if (summary.verdictsFound < summary.dimension) findVerdicts(store);
  studySeeds(store);
  const cursor = Math.min(Math.max(store.get().cursor, 0), summary.T);
  if (!change) return store.set({ cursor });
  store.amend(change, { cursor });
  // An x window was set on the old run's times: a new T or schedule shows the whole new run.
  if (touches(change, ['T', 'schedule']) && !change.changed.has('xRange') && store.get().xRange) {
    store.amend(change, { xRange: '' });
  }
}

export function setupModel(store, limits) {
  store.subscribe((change) => {
    const model = store.model();
    if (!model) return;
    // A cursor beyond the curves (a pasted link's, say) is kept within [0, T] like a new T's.
    const { cursor } = store.get();
    if (change.changed.has('cursor') && !(cursor >= 0 && cursor <= model.summary.T)) {
      store.amend(change, { cursor: Math.min(Math.max(cursor, 0), model.summary.T) });
    }
    if (touches(change, DATA_FIELDS)) {
      clearDataMessages();
      const explorer = computeExplorer(store.get(), limits.maxDimension);
      if (!explorer) {
        change.model = 'refused';
        return;
      }
      install(store, explorer, change);
      change.model = 'new';
    } else if (change.changed.has('C')) {
      clearMessages(['C']);
      const started = performance.now();
      try {
        model.explorer.setCap(store.get().C);
      } catch (error) {
        setMessage('C', error.message);
        change.model = 'refused';
        return;
      }
      store.setModel({ ...model, summary: model.explorer.summary() });
      store.timings.lastCapMs = performance.now() - started;
      change.model = 'cap';
    } else if (change.changed.has('seeds')) {
      store.setModel({ ...model, seeds: null });
      studySeeds(store);
      change.model = 'seeds';
    } else if (touches(change, SAMPLER_FIELDS)) {
      store.setModel({ ...model, samplerError: samplerError(model.explorer, store.get()) });
      change.model = 'sampler';
    }
  });
}
