// The text beside the plots that follows the model: the data in use, Prop 5's outcome under the
// cap, and Prop 1's verdict for each latent dimension (also the plots' text alternative).
import { format, formatPercent, formatStop } from './format.js';
import { isRefused } from './messages.js';

const $ = (id) => document.getElementById(id);

/** Verdicts listed at first, and added by each "Show" press: the whole list at D = 4096 would
 *  cost a quarter of a second of layout on every change. */
const VERDICTS_PER_PAGE = 256;
let verdictsShown = VERDICTS_PER_PAGE;

export function renderSummaries(store) {
  const state = store.get();
  const s = store.model().summary;
  const { seeds, explorer } = store.model();
  const d = explorer.samplerDimension(state.d);
  // How typical this draw is, for the d the sampler panels show (the seeds panel has every d).
  const typical = !s.exactScore && seeds?.seedDips.length
    ? ` With this draw d = ${d} ${seeds.seedDips[d - 1] ? 'stops early' : 'runs to T'}; ` +
      `${Math.round(seeds.dipShare[d - 1] * 100)}% of ${seeds.seeds} draws stop early (seeds panel).`
    : '';
  $('data-summary').textContent =
    `D = ${s.dimension}, ${s.exactScore ? 'exact score' : `plug-in score from n = ${state.n} samples (seed ${state.seed}; simulated)`}, ` +
    `${s.schedule} schedule, T = ${s.T}.${typical}`;
  $('capped-summary').textContent =
    `C = ${format(s.C)}: the best latent dimension at t = T is d_min = ${s.dMin}; Prop 5's bracket is [d₁, d₂] = [${s.d1}, ${s.d2}].`;
  const shown = Math.min(s.dimension, verdictsShown);
  const items = document.createDocumentFragment();
  for (let d = 1; d <= shown; d++) {
    const item = document.createElement('li');
    if (s.monotone[d - 1]) {
      item.textContent = `d = ${d}: the distance falls until the end — run to T (dF² = ${format(s.atEnd[d - 1])}).`;
    } else if (d > s.verdictsFound) {
      item.textContent = `d = ${d}: the distance rises before T — finding where it is least…`;
    } else if (s.optimalStop[d - 1] === s.T) {
      // Prop 1's sum is negative, but the minimum is closer to T than a float can tell apart.
      item.textContent = `d = ${d}: the distance rises only in the last instant before T, too little to ` +
        `resolve — run to T (dF² = ${format(s.atEnd[d - 1])}).`;
    } else {
      const [best, end] = [s.atOptimalStop[d - 1], s.atEnd[d - 1]];
      // Values that print alike (a nearly flat curve) are told apart by their difference.
      const values = format(best) === format(end)
        ? `dF² ${format(end - best)} below its ${format(end)} at T`
        : `dF² ${format(best)} instead of ${format(end)} at T`;
      // A least distance at t = 0 (to the root's round-off): the start already fits best (σk² = 1
      // with the Ornstein–Uhlenbeck schedule, say) and every step moves away.
      const start = s.optimalStop[d - 1] <= 1e-9 * s.T ? ' (before the first step: the distance rises all the way)' : '';
      item.textContent = `d = ${d}: stop early at t = ${formatStop(s.optimalStop[d - 1], s.T)}${start}: ${values}, ` +
        `${formatPercent(1 - best / end)} lower.`;
      item.classList.add('early');
    }
    items.append(item);
  }
  $('verdicts').replaceChildren(items);
  // The search may have gone on since the summary was taken.
  showVerdictsProgress(explorer.verdictsFound(), s.dimension);
  const more = $('verdicts-more');
  more.hidden = shown === s.dimension;
  more.textContent = `Show d = ${shown + 1}–${Math.min(shown + VERDICTS_PER_PAGE, s.dimension)} (of ${s.dimension})`;
}

/** While the optimal stops of a large D are being found (a task at a time), how far it is. */
export function showVerdictsProgress(found, dimension) {
  $('verdicts-progress').textContent = found < dimension ? `Finding each d's optimal stop: ${found} of ${dimension} so far…` : '';
}

/** The seeds panel's text: the headline d (highlighted, else the best at T) and every d's share. */
export function renderSeedsSummary(store) {
  const { seeds } = store.model();
  const state = store.get();
  if (!seeds) {
    $('seeds-summary').textContent = isRefused('seeds')
      ? 'No seeds study for these settings (see the message above).'
      : `Drawing σ̂² for ${state.seeds} seeds…`;
    return;
  }
  const d = store.model().explorer.samplerDimension(state.d);
  const percent = (share) => `${Math.round(share * 100)}%`;
  const share = seeds.dipShare[d - 1];
  const stop = (t) => formatStop(t, state.T);
  const own = seeds.seedDips.length ? ` The curves' own draw (seed ${state.seed}) ${seeds.seedDips[d - 1] ? 'is one of them' : 'is not'}.` : '';
  const when = share > 0
    ? ` Those stop at t = ${stop(seeds.stopMedian[d - 1])} (median; 10–90%: ${stop(seeds.stopLow[d - 1])}–${stop(seeds.stopHigh[d - 1])}), ` +
      `where dF² is ${formatPercent(seeds.gainMedian[d - 1])} lower than at T (median).`
    : ' None of them stops early: every curve falls to T.';
  const all = Array.from(seeds.dipShare, (s, k) => `d=${k + 1}: ${percent(s)}`);
  $('seeds-summary').textContent =
    `d = ${d}: ${percent(share)} of ${seeds.seeds} draws of n = ${seeds.n} samples stop early (Prop 1's sum negative).${own}${when}` +
    ` Every d: ${seeds.dipShare.length <= 40 ? all.join(', ') : `${all.slice(0, 40).join(', ')}, …`}.`;
}

export function setupSummaries(store) {
  $('verdicts-more').addEventListener('click', () => {
    verdictsShown += VERDICTS_PER_PAGE;
    const first = verdictsShown - VERDICTS_PER_PAGE + 1;
    renderSummaries(store);
    // Keyboard readers carry on from the first verdict added.
    const added = $('verdicts').children[first - 1];
    added?.setAttribute('tabindex', '-1');
    (added ?? $('verdicts')).focus();
  });
  renderSummaries(store);
  renderSeedsSummary(store);
  store.subscribe((change) => {
    if (['new', 'cap', 'seeds', 'verdicts'].includes(change.model) || change.changed.has('d')) renderSummaries(store);
    if (change.model === 'new' || change.model === 'seeds' || change.changed.has('d')) renderSeedsSummary(store);
  });
}
