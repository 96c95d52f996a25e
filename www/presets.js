// Data sets of the explorer: the paper's two Figure 4 spectra and three families.

/** Figure 4 (left): Σ = diag(1, 0.6, …, 0.6⁶, 1e−10, 1e−10). */
export const FIGURE_4_LEFT = [1, 0.6, 0.36, 0.216, 0.1296, 0.07776, 0.046656, 1e-10, 1e-10];
/** Figure 4 (right): Σ = diag(10, 0.2, 0.2, 0.2, 0, 0) (d0 = 4, D = 6), Σ̂ from 1000 samples. */
export const FIGURE_4_RIGHT = [10, 0.2, 0.2, 0.2, 0, 0];

/**
 * What a figure preset opens on, so that it shows the figure as printed: the paper's plug-in score
 * from n = 1000 samples, its T, its sampler's 1000 steps, its axis and window (Appendix D). Figure 4
 * right's LogSNR axis starts near −6, which the OU schedule reaches at T = 3. Its seed is the first
 * whose plug-in variances make d₀ = 4 stop early; the seeds panel says how typical that is.
 */
export const PRESET_VIEWS = {
  'fig4-left': { score: 'plug-in', n: 1000, seed: 1, T: 2, schedule: 'ou', axis: 't', steps: 1000, xRange: '0.95,2.05', yRange: '0.005,4' },
  'fig4-right': { score: 'plug-in', n: 1000, seed: 2, T: 3, schedule: 'ou', axis: 'logSnr', steps: 1000, xRange: '-6.5,7', yRange: '0.002,15' },
};

/** Which state fields each preset reads (the page shows only those controls). */
export const PRESET_PARAMETERS = {
  'fig4-left': [],
  'fig4-right': [],
  exponential: ['lambda', 'D'],
  power: ['alpha', 'D'],
  'low-rank': ['sigma2', 'd0', 'D'],
  custom: ['variances'],
};

/**
 * The variances a state describes: `{values}` or `{field, error}`. Dimensions are not capped here:
 * the core rejects a D over its limit with a message that names it.
 */
export function presetVariances(state, parseVarianceList) {
  const range = (D, f) => Array.from({ length: D }, (_, i) => f(i + 1));
  switch (state.preset) {
    case 'fig4-left':
      return { values: FIGURE_4_LEFT };
    case 'fig4-right':
      return { values: FIGURE_4_RIGHT };
    case 'exponential':
      return { values: range(state.D, (k) => state.lambda ** -k) };
    case 'power':
      return { values: range(state.D, (k) => k ** -state.alpha) };
    case 'low-rank':
      if (state.d0 > state.D) return { field: 'd0', error: `d0 (${state.d0}) cannot exceed D (${state.D})` };
      return { values: range(state.D, (k) => (k <= state.d0 ? state.sigma2 : 0)) };
    default: {
      const { values, error } = parseVarianceList(state.variances);
      return error ? { field: 'variances', error } : { values };
    }
  }
}
