// The fields of the explorer's state, how each is read from text (a control or the URL hash), and
// the hash's format. Names and limits come from the Rust module (names(), limits()), so that the
// page accepts exactly what the core does. Parsing never throws: a bad field keeps its default and
// is reported, so one typo in a shared link loses nothing else.
import { PRESET_PARAMETERS, PRESET_VIEWS } from './presets.js';
import { TOUR_STEPS } from './tour-steps.js';

export const PRESETS = Object.keys(PRESET_PARAMETERS);

export const DEFAULTS = Object.freeze({
  tour: 0, // the step of the guided reading shown (1 to its length), 0 for none
  preset: 'fig4-left',
  lambda: 2, // exponential spectrum σk² = λ^(−k)
  alpha: 1.5, // power law σk² = k^(−α)
  sigma2: 1, // low-rank: σ² on d0 of D coordinates
  d0: 4,
  D: 9,
  variances: '', // custom list, comma separated
  score: 'exact', // or 'plug-in'
  n: 1000,
  seed: 1,
  T: 2,
  schedule: 'ou',
  C: 100,
  cursor: 1.5,
  axis: 't', // or 'logSnr'
  theme: 'auto', // or one of the module's themes
  d: 0, // emphasised latent dimension, 0 for none
  sampler: 'euler-maruyama', // the discretised sampler of the sampler panels
  steps: 50,
  overlay: 'off', // 'on': its exact law and Monte Carlo over the curves
  scatterX: 1, // coordinates of the scatter
  scatterY: 2,
  samples: 2000, // samples of the scatter and of each Monte Carlo run
  runs: 20, // Monte Carlo runs
  sampleSeed: 1,
  imgSet: 'digits', // the shipped image set: 'digits' (8×8) or 'fashion' (Fashion-MNIST, 28×28)
  imgScore: 'gaussian', // the score of the image panel: one of the module's image scores
  imgDims: '4,16,32,64', // latent dimensions compared side by side
  imgSteps: 200,
  imgSamples: 512,
  imgSeed: 1,
  imgSample: 1, // the grid row whose trajectory the strip shows
  imgEval: 'held-out', // what the images' distances are measured against: 'held-out' or 'training'
  nTrain: 1000, // images the PCA and scores are fitted on when some are held out
  imgMetric: 'frechet', // the images' distance drawn: 'frechet', 'sliced-w2' or 'mmd'
  imgScale: 'none', // the latents' scale in the diffusion: 'none' or 'unit' (unit mean variance)
  engine: 'auto', // 'auto': WebGPU when the browser has it, else the CPU; 'cpu': always the CPU
  seeds: 200, // draws of the plug-in variances in the seeds panel
  xRange: '', // the time plots' x window "low,high" in the axis' unit; '' for the whole run
  yRange: '', // the log plots' dF² window "low,high"; '' to fit the curves
});

/** The fields a preset's view sets (those of any figure preset). */
export const VIEW_FIELDS = [...new Set(Object.values(PRESET_VIEWS).flatMap(Object.keys))];

/**
 * The state a preset opens on: the defaults, with the figure presets' own score, times, sampler and
 * window. A link leaves out what equals its preset's defaults, so `#preset=fig4-right` is the figure.
 */
export function defaultsFor(preset) {
  return { ...DEFAULTS, ...(PRESET_VIEWS[preset] ?? {}), preset };
}

/** The view step `tour` (1-based) of the guided reading opens on: its preset's defaults and its own settings. */
export function tourView(tour) {
  const { view } = TOUR_STEPS[tour - 1];
  return { ...defaultsFor(view.preset ?? DEFAULTS.preset), ...view, tour };
}

/**
 * What a link leaves out: during the reading, the step's view while the preset is the step's (so
 * that `#tour=3` alone is step 3 and a change to it is written as that change); else the preset's
 * defaults. `preset` undefined: the link names none.
 */
function baseOf(tour, preset) {
  if (tour > 0) {
    const view = tourView(tour);
    if (preset === undefined || preset === view.preset) return view;
  }
  return defaultsFor(preset ?? DEFAULTS.preset);
}

/**
 * The x window a state opens on without one of its own: its preset's, when the axis, T and schedule
 * are the preset's too; the whole run otherwise (a window is in the axis' unit, on the run's times).
 */
function defaultWindow(state, defaults) {
  return ['axis', 'T', 'schedule'].every((name) => state[name] === defaults[name]) ? defaults.xRange : '';
}

/**
 * `"1, 2"` → `[1, 2]`: two numbers, the first below the second, within the module's axis limits
 * (`log`: both at least its smallest log-axis value). Null otherwise.
 */
export function parseRange(text, limits, { log = false } = {}) {
  const entries = String(text).split(/[\s,;]+/).filter((e) => e !== '');
  if (entries.length !== 2) return null;
  const [low, high] = entries.map(Number);
  const floor = log ? limits.minLogAxisValue : -limits.maxAxisValue;
  const within = low >= floor && high <= limits.maxAxisValue;
  return within && high - low > limits.minAxisWidth * Math.max(Math.abs(low), Math.abs(high)) ? [low, high] : null;
}

/** The page's own bounds (what one interactive scatter or Monte Carlo may take). */
const MAX_SCATTER_SAMPLES = 20000;
const MAX_RUNS = 200;
const GRID_ROWS = 8;

const isInteger = (v) => Number.isInteger(v);
const positive = (v) => Number.isFinite(v) && v > 0;
const seed = (v) => isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER;
const oneOf = (list) => ({ parse: String, valid: (v) => list.includes(v), expected: `one of ${list.join(', ')}` });
const wholeFrom = (low, high) => ({
  parse: Number,
  valid: (v) => isInteger(v) && v >= low && v <= high,
  expected: `a whole number from ${low} to ${high}`,
});

/** `"4, 16,32"` → `[4, 16, 32]`; null unless 1 to 6 whole numbers ≥ 1. */
export function parseDimensionList(text) {
  const entries = String(text).split(/[\s,;]+/).filter((e) => e !== '');
  const values = entries.map(Number);
  if (values.length < 1 || values.length > 6 || !values.every((v) => Number.isInteger(v) && v >= 1)) return null;
  return values;
}

/**
 * The state's fields for the module's `names` and `limits`: `{ readField, parseHash, toHash }`.
 * A field reads from text to `{value}` or `{error}` (a sentence naming what was expected).
 */
export function createFields({ names, limits }) {
  const FIELDS = {
    tour: wholeFrom(0, TOUR_STEPS.length),
    preset: oneOf(PRESETS),
    lambda: { parse: Number, valid: (v) => Number.isFinite(v) && v > 1, expected: 'a number above 1' },
    alpha: { parse: Number, valid: positive, expected: 'a number above 0' },
    sigma2: { parse: Number, valid: (v) => positive(v) && v <= limits.maxVariance, expected: `a variance above 0 and at most ${limits.maxVariance.toExponential()}` },
    d0: { parse: Number, valid: (v) => isInteger(v) && v >= 1, expected: 'a whole number ≥ 1' },
    D: { parse: Number, valid: (v) => isInteger(v) && v >= 1, expected: 'a whole number ≥ 1' },
    variances: { parse: String, valid: () => true, expected: 'a list of variances' },
    score: { parse: String, valid: (v) => v === 'exact' || v === 'plug-in', expected: 'exact or plug-in' },
    n: wholeFrom(1, limits.maxSampledValues),
    seed: { parse: Number, valid: seed, expected: 'a whole number ≥ 0' },
    T: { parse: Number, valid: (v) => v >= limits.minFinalTime && v <= limits.maxFinalTime, expected: `a time from ${limits.minFinalTime} to ${limits.maxFinalTime}` },
    schedule: oneOf(names.schedules),
    C: { parse: Number, valid: (v) => Number.isFinite(v) && v > 1, expected: 'a number above 1' },
    cursor: { parse: Number, valid: (v) => Number.isFinite(v) && v >= 0, expected: 'a time ≥ 0' },
    axis: { parse: String, valid: (v) => names.axes.includes(v), expected: names.axes.join(' or ') },
    theme: { parse: String, valid: (v) => v === 'auto' || names.themes.includes(v), expected: `auto, ${names.themes.join(' or ')}` },
    d: { parse: Number, valid: (v) => isInteger(v) && v >= 0, expected: 'a whole number ≥ 0' },
    sampler: oneOf(names.methods),
    steps: wholeFrom(1, limits.maxSteps),
    overlay: { parse: String, valid: (v) => v === 'on' || v === 'off', expected: 'on or off' },
    scatterX: { parse: Number, valid: (v) => isInteger(v) && v >= 1, expected: 'a coordinate ≥ 1' },
    scatterY: { parse: Number, valid: (v) => isInteger(v) && v >= 1, expected: 'a coordinate ≥ 1' },
    samples: wholeFrom(2, MAX_SCATTER_SAMPLES),
    runs: wholeFrom(2, MAX_RUNS),
    sampleSeed: { parse: Number, valid: seed, expected: 'a whole number ≥ 0' },
    imgSet: oneOf(['digits', 'fashion']),
    imgScore: { parse: String, valid: (v) => names.imageScores.includes(v), expected: names.imageScores.join(' or ') },
    imgDims: { parse: String, valid: (v) => parseDimensionList(v) !== null, expected: '1 to 6 whole numbers ≥ 1, comma separated' },
    imgSteps: wholeFrom(1, limits.images.maxSteps),
    imgSamples: wholeFrom(2, limits.images.maxSamples),
    imgSeed: { parse: Number, valid: seed, expected: 'a whole number ≥ 0' },
    imgSample: { parse: Number, valid: (v) => isInteger(v) && v >= 1 && v <= GRID_ROWS, expected: `a row from 1 to ${GRID_ROWS}` },
    engine: { parse: String, valid: (v) => v === 'auto' || v === 'cpu', expected: 'auto or cpu' },
    imgEval: oneOf(['held-out', 'training']),
    nTrain: wholeFrom(2, limits.images.maxImages),
    imgMetric: oneOf(['frechet', 'sliced-w2', 'mmd']),
    imgScale: oneOf(['none', 'unit']),
    seeds: wholeFrom(1, limits.maxSeeds),
    xRange: range(false, 'two numbers low, high (the x axis\' unit), or nothing for the whole run'),
    yRange: range(true, `two numbers low, high from ${limits.minLogAxisValue} (dF²), or nothing to fit the curves`),
  };

  /** A window field: kept as "low,high" (how a hash writes it), or '' for none. */
  function range(log, expected) {
    const canonical = (text) => {
      const parsed = parseRange(text, limits, { log });
      return parsed ? parsed.join(',') : text;
    };
    return { parse: canonical, valid: (v) => v === '' || parseRange(v, limits, { log }) !== null, expected };
  }

  function readField(name, text) {
    const field = FIELDS[name];
    const trimmed = String(text).trim();
    // "-0" reads as 0: a hash writes -0 as "0", and the two must not differ in the state.
    const value = field.parse === Number ? (trimmed === '' ? NaN : Number(trimmed) + 0) : field.parse(trimmed);
    if (!field.valid(value)) return { error: `expects ${field.expected}, got "${trimmed}"` };
    return { value };
  }

  /** The state a hash describes, and a message for each field it could not use. */
  function parseHash(hash) {
    const problems = [];
    let params;
    try {
      params = new URLSearchParams(hash.replace(/^#/, ''));
    } catch {
      return { state: defaultsFor(DEFAULTS.preset), problems: ['the link could not be read; showing the defaults'] };
    }
    // The reading's step and the preset first: what the link leaves out is theirs (baseOf).
    const tour = params.has('tour') ? readField('tour', params.get('tour')).value ?? 0 : 0;
    const preset = params.has('preset') ? readField('preset', params.get('preset')).value : undefined;
    const defaults = baseOf(tour, preset);
    const state = { ...defaults };
    const seen = new Map();
    for (const [name, text] of params) {
      if (!(name in FIELDS)) {
        problems.push(`unknown setting "${name}" ignored`);
        continue;
      }
      // A field given twice: the first one counts (as it would for a reader reading the link).
      if (seen.has(name)) {
        problems.push(`${name} is given more than once; used the first, "${seen.get(name)}", and ignored "${text}"`);
        continue;
      }
      seen.set(name, text);
      const { value, error } = readField(name, text);
      if (error) problems.push(`${name} ${error}; kept ${defaults[name] === '' ? 'none' : defaults[name]}`);
      else state[name] = value;
    }
    // A link without a usable window of its own gets its preset's, unless it changes what that
    // window was drawn on (see defaultWindow).
    if (!(seen.has('xRange') && readField('xRange', seen.get('xRange')).value !== undefined)) state.xRange = defaultWindow(state, defaults);
    return { state, problems };
  }

  /** The hash of a state: only the fields that differ from its preset's defaults, in a stable order. */
  function toHash(state) {
    const params = new URLSearchParams();
    const defaults = baseOf(state.tour, state.preset);
    const onStepView = state.tour > 0 && defaults.tour === state.tour;
    // What a reader of the link assumes for the step and the preset when it names neither.
    const assumed = { tour: 0, preset: onStepView ? defaults.preset : state.tour > 0 ? null : DEFAULTS.preset };
    for (const name of Object.keys(FIELDS)) {
      const shown = name in assumed ? assumed[name] : name === 'xRange' ? defaultWindow(state, defaults) : defaults[name];
      if (state[name] !== shown) params.set(name, String(state[name]));
    }
    const text = params.toString();
    return text ? `#${text}` : '';
  }

  return { readField, parseHash, toHash };
}

/**
 * Parses a list of variances typed by a reader: numbers separated by commas, spaces or new lines.
 * Returns `{values}` or `{error}` naming the first bad entry.
 */
export function parseVarianceList(text) {
  const entries = String(text).split(/[\s,;]+/).filter((e) => e !== '');
  if (entries.length === 0) return { error: 'enter at least one variance' };
  const values = [];
  for (const [i, entry] of entries.entries()) {
    const value = Number(entry);
    if (!Number.isFinite(value)) return { error: `entry ${i + 1} ("${entry}") is not a number` };
    if (value < 0) return { error: `entry ${i + 1} (${entry}) is negative; variances are ≥ 0` };
    values.push(value);
  }
  return { values };
}
