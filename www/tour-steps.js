// The guided reading of the paper: ten steps, each one claim, the view that shows it (the settings a
// link to the step opens on), the panel to look at, one change to try, and a check computed live
// from what the page shows, so that the claim can be verified in the view as the reader leaves it.
// Each check returns `{text, value}` (value: the number the text states, for the tests) or
// `{text, pending: true}` while the page is still computing it.
import { format, formatStop } from './format.js';
import { bestStops } from './image-views.js';

const percent = (gain) => `${(100 * gain).toFixed(1)}%`;
const SAMPLERS = { 'euler-maruyama': 'Euler–Maruyama', exponential: 'the exponential integrator', 'flow-heun': 'probability flow (Heun)', 'flow-exact': 'probability flow (exact steps)' };
const sub = (k) => String(k).replace(/\d/g, (digit) => '₀₁₂₃₄₅₆₇₈₉'[digit]);

/** The highlighted d's optimal stop and gain, as Prop 1 and the verdicts panel state it. */
function stopOf(summary, d) {
  if (summary.monotone[d - 1]) return { text: `d = ${d} runs to T: its curve falls until the end (dF² = ${format(summary.atEnd[d - 1])}).`, value: summary.T };
  if (d > summary.verdictsFound) return { text: `d = ${d} stops early; finding where…`, pending: true };
  const gain = 1 - summary.atOptimalStop[d - 1] / summary.atEnd[d - 1];
  return {
    text: `d = ${d} is best stopped at t = ${formatStop(summary.optimalStop[d - 1], summary.T)}: dF² ${format(summary.atOptimalStop[d - 1])}, ` +
      `${percent(gain)} below its ${format(summary.atEnd[d - 1])} at T = ${summary.T}.`,
    value: summary.optimalStop[d - 1],
    gain,
  };
}

/** The latent dimension a check speaks of: the highlighted one, else the best at T. */
const dimensionOf = ({ state, model }) => model.explorer.samplerDimension(state.d);

export const TOUR_STEPS = [
  {
    title: 'The last steps can make samples worse',
    claim: 'A latent diffusion stopped before the end of sampling can be closer to the data than one run to the end: ' +
      'the Fréchet distance dF² need not fall with the stopping time t (Sections 1 and 4).',
    look: 'the highlighted curve for d = 4: it falls, reaches a minimum (the circle) and rises again before T.',
    tryThis: 'set the score to “exact” in the Data panel: every curve then falls until T. The dip comes from fitting the score on n = 20 samples.',
    panel: 'curves',
    view: { preset: 'low-rank', sigma2: 2, d0: 4, D: 6, score: 'plug-in', n: 20, d: 4 },
    check: (context) => stopOf(context.model.summary, dimensionOf(context)),
  },
  {
    title: 'Figure 4 (left): more latent dimensions pay only late',
    claim: 'With the exact score, keeping coordinate d helps only after its switch time t_d (Prop 2, through the extended inverse of eq. 8): ' +
      'small latent spaces are best early, larger ones late.',
    look: 'the dashed verticals t₄ … t₈, and the best-latent-dimension panel below, which steps up at each of them.',
    tryThis: 'drag the time cursor across t₄: the readout under the plot says the best latent dimension changes from 3 to 4 there.',
    panel: 'curves',
    view: { preset: 'fig4-left' },
    check: ({ model, state }) => {
      const s = model.summary;
      if (s.dimension < 4) return { text: `This data has ${s.dimension} coordinates; Figure 4's t₄ needs at least 4.`, value: NaN };
      const best = model.explorer.readout(state.cursor).bestDimExact;
      return {
        text: `t₄ = ${s.switchTimes[3].toFixed(3)}${s.exactScore ? '' : ` (plug-in t̂₄ = ${s.switchTimesEstimated[3].toFixed(3)})`}; ` +
          `at the cursor, t = ${state.cursor.toFixed(3)}, the best latent dimension with the exact score is ${best}.`,
        value: s.switchTimes[3],
      };
    },
  },
  {
    title: 'Prop 1: when a plug-in score makes the curve dip',
    claim: 'With a score fitted on n samples, the curve of d falls all the way to T exactly when Prop 1\'s sum over k ≤ d is non-negative; ' +
      'a negative sum means one interior minimum, and stopping there beats running to T.',
    look: 'the verdicts panel: d = 1 … 4 run to T, d = 5 … 9 stop early, each with its time and gain.',
    tryThis: 'highlight d = 4 (above the curves): its sum is positive. Then raise n to 100000: the estimated variances near the data\'s, the dips shrink.',
    panel: 'verdicts',
    view: { preset: 'exponential', lambda: 2, D: 9, score: 'plug-in', n: 50, d: 5 },
    check: (context) => {
      const { summary } = context.model;
      const d = dimensionOf(context);
      const sum = summary.prop1Sum[d - 1];
      if (sum < 0 && d > summary.verdictsFound) return { text: `Prop 1's sum for d = ${d} is ${format(sum)}: negative, so d = ${d} stops early; finding where…`, pending: true };
      const verdict = sum < 0 ? `negative, so d = ${d} stops early, at t = ${formatStop(summary.optimalStop[d - 1], summary.T)}` : `non-negative, so d = ${d} runs to T`;
      return { text: `Prop 1's sum for d = ${d} is ${format(sum)}: ${verdict}.`, value: sum };
    },
  },
  {
    title: 'Prop 3 and Figure 4 (right): the best stop of low-rank data',
    claim: 'For data of rank d₀ = 4, the best pair is d = d₀ stopped at the root of Prop 3\'s equation; on the LogSNR axis the dip is plain to see.',
    look: 'the d = 4 curve on the LogSNR axis: its minimum, left of the end of sampling, is the circle.',
    tryThis: 'switch the x axis to t: the same dip is squeezed into the last hundredth of time, which is why the paper plots LogSNR.',
    panel: 'curves',
    view: { preset: 'fig4-right', d: 4 },
    check: (context) => {
      const { summary, explorer } = context.model;
      const stop = stopOf(summary, dimensionOf(context));
      if (stop.gain === undefined) return stop;
      const logSnr = explorer.readout(stop.value).logSnr;
      return { ...stop, text: `${stop.text} That is LogSNR ${logSnr.toFixed(3)}.` };
    },
  },
  {
    title: 'How typical is a dip?',
    claim: 'The plug-in score depends on its n samples, so whether a curve dips is random. Drawing the samples again and again gives the chance of a dip.',
    look: 'the seeds panel: the share of 200 draws whose d = 4 curve stops early (top), and when they stop (bottom).',
    tryThis: 'set n to 100 in the Data panel: the share stays near one half; the dip of Figure 4 (right) is a coin toss, not a rare seed.',
    panel: 'seeds',
    view: { preset: 'fig4-right', d: 4 },
    check: (context) => {
      const { seeds } = context.model;
      const { state } = context;
      if (state.score === 'exact') return { text: 'With the exact score nothing is drawn: every curve runs to T.', value: NaN };
      if (!seeds) return { text: `Drawing σ̂² for ${state.seeds} seeds…`, pending: true };
      const d = dimensionOf(context);
      const share = seeds.dipShare[d - 1];
      return { text: `${Math.round(share * seeds.seeds)} of ${seeds.seeds} draws of n = ${seeds.n} samples (${Math.round(100 * share)}%) make d = ${d} stop early.`, value: share };
    },
  },
  {
    title: 'A cap on the score moves the best dimension',
    claim: 'A score model whose weights are capped at C (Prop 4) ends sampling with its own variances; the best latent dimension d_min then lies in ' +
      'Prop 5\'s bracket [d₁, d₂], and for σ_k² = λ^(−k) with λ > 16 it grows like log C / log λ (Corollary 1).',
    look: 'the capped-score panel: the end variances, dF² at T by latent dimension (its least point is d_min), and the readout with the bracket.',
    tryThis: 'multiply C by λ = 20 (8000 → 160000): d_min goes from 3 to 4, one more per factor λ.',
    panel: 'capped',
    view: { preset: 'exponential', lambda: 20, D: 8, score: 'exact', C: 8000 },
    check: ({ model }) => {
      const s = model.summary;
      const inside = s.d1 <= s.dMin && s.dMin <= s.d2;
      return { text: `C = ${format(s.C)}: d_min = ${s.dMin}, ${inside ? 'inside' : 'outside'} Prop 5's bracket [d₁, d₂] = [${s.d1}, ${s.d2}].`, value: s.dMin };
    },
  },
  {
    title: 'Any covariance: its eigenvalues decide',
    claim: 'For a covariance that is not diagonal, PCA on its eigenbasis gives the switch times of Prop 2 on its eigenvalues (Prop 6); ' +
      'with a basis estimated from n samples, Prop 7 gives windows where d components are best, up to an error that shrinks like √(D/n).',
    look: 'the curves of a power-law spectrum σ_k² = k^(−1.5): every covariance with these eigenvalues has exactly these curves.',
    tryThis: 'change α in the Data panel; or drop a file of samples there, whose covariance\'s eigenvalues become the spectrum. ' +
      'The estimated-basis curves of Prop 7 are computed by the worker\'s generalGaussian function (docs/theory.md, section 3); no panel draws them yet.',
    panel: 'curves',
    view: { preset: 'power', alpha: 1.5, D: 12, score: 'exact' },
    check: ({ model }) => {
      const s = model.summary;
      const times = Array.from(s.switchTimes.slice(0, s.dimension), (t, k) => [k + 1, t]).filter(([, t]) => t > 0 && t < s.T);
      if (times.length === 0) return { text: 'Every coordinate pays from the start or never: no switch time inside (0, T).', value: NaN };
      const [d, t] = times[0];
      return { text: `Prop 6's first switch time inside (0, T) is t${sub(d)} = ${t.toFixed(3)}; ${times.length} of the ${s.dimension} coordinates switch inside the run.`, value: t };
    },
  },
  {
    title: 'A sampler with finite steps has a law of its own',
    claim: 'The paper\'s curves are the continuous-time sampler\'s. A sampler with finitely many steps is another Gaussian law, exact in closed form ' +
      '(this project\'s addition, docs/theory.md section 4.2); with few steps its end is far from the continuous one.',
    look: 'the squares over the curves: the exact dF² of 20 Euler–Maruyama steps with d = 7, with Monte Carlo error bars; the line is the continuous sampler.',
    tryThis: 'raise the steps to 1000, the paper\'s: the squares meet the line. Or choose the exponential integrator: about half the error with the same 20 steps.',
    panel: 'curves',
    view: { preset: 'fig4-left', score: 'exact', overlay: 'on', sampler: 'euler-maruyama', steps: 20, d: 7 },
    check: ({ model, state }) => {
      if (model.samplerError) return { text: `No sampler for these settings: ${model.samplerError}`, value: NaN };
      const o = model.explorer.samplerOutcome(state.d);
      return {
        text: `After ${o.steps} steps of ${SAMPLERS[state.sampler] ?? state.sampler}, d = ${o.d} ends at dF² = ${format(o.atEnd)}, against ${format(o.continuousAtEnd)} for the continuous-time sampler` +
          `${o.bestT < model.summary.T ? `; its least dF², ${format(o.atBest)}, is at t = ${formatStop(o.bestT, model.summary.T)}` : ''}.`,
        value: o.atEnd,
      };
    },
  },
  {
    title: 'Images: latent against pixel space',
    claim: 'On images, the paper finds that a pixel-space diffusion gains from stopping early while latent ones gain little (Figure 1). ' +
      'Here, on Fashion-MNIST with PCA autoencoders and Gaussian scores, measured against held-out images, the contrast comes out reversed.',
    look: 'the images panel: dF² to the held-out images against time for d = 16, 64 and the pixel-space d = 784, and the best stops in its readout.',
    tryThis: 'raise nTrain from 300 to 1000: no model then gains from stopping early. With 300 images, most of the 784 pixel directions have no fitted variance at all.',
    panel: 'images',
    view: { preset: 'fig4-left', imgSet: 'fashion', imgDims: '16,64,784', nTrain: 300, imgScale: 'unit' },
    check: ({ images }) => {
      const view = images?.();
      if (view?.status === 'error') return { text: 'The images panel stopped; its status says why.', value: NaN };
      if (!view || view.status !== 'done' || !view.info) return { text: 'The images panel is computing…', pending: true };
      const pixels = view.info.width * view.info.height;
      const pixel = view.parts.find((p) => p.d === pixels) ?? view.parts.at(-1);
      // The images panel's own readout of the best stops.
      return { text: `${bestStops(view.parts, pixels).join('; ')}.`, value: pixel.summary.stopT };
    },
  },
  {
    title: 'Your own data',
    claim: 'Everything above holds for any spectrum. Type the variances of your data, paste or drop samples, or bring images: the same closed forms answer.',
    look: 'the Data panel\'s custom variances, and the verdicts: which latent dimensions should stop early with a plug-in score from n = 100 samples.',
    tryThis: 'replace the variances with your own, or drop a CSV, text or .npy file of samples on the Data panel. In the images panel, choose your pictures or IDX files.',
    panel: 'data',
    view: { preset: 'custom', variances: '5, 2, 1, 0.4, 0.1, 0.02', score: 'plug-in', n: 100 },
    check: ({ model }) => {
      const s = model.summary;
      const early = s.monotone.map((m, k) => (m ? null : k + 1)).filter(Boolean);
      const which = early.length ? `d = ${early.join(', ')} stop${early.length === 1 ? 's' : ''} early` : 'every d runs to T';
      return { text: `${s.dimension} coordinates; ${which} (Prop 1).`, value: early.length };
    },
  },
];
