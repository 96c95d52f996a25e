// The text beside the plots that follows the model: the data in use, Prop 5's outcome under the
// cap, and Prop 1's verdict for each latent dimension (also the plots' text alternative).
import { format } from './format.js';

const $ = (id) => document.getElementById(id);

export function renderSummaries(store) {
  const state = store.get();
  const s = store.model().summary;
  $('data-summary').textContent =
    `D = ${s.dimension}, ${s.exactScore ? 'exact score' : `plug-in score from n = ${state.n} samples (seed ${state.seed}; simulated)`}, ` +
    `${s.schedule} schedule, T = ${s.T}.`;
  $('capped-summary').textContent =
    `C = ${format(s.C)}: the best latent dimension at t = T is d_min = ${s.dMin}; Prop 5's bracket is [d₁, d₂] = [${s.d1}, ${s.d2}].`;
  const list = $('verdicts');
  list.replaceChildren();
  for (let d = 1; d <= s.dimension; d++) {
    const item = document.createElement('li');
    if (s.monotone[d - 1]) {
      item.textContent = `d = ${d}: the distance falls until the end — run to T (dF² = ${format(s.atEnd[d - 1])}).`;
    } else {
      const gain = (1 - s.atOptimalStop[d - 1] / s.atEnd[d - 1]) * 100;
      item.textContent = `d = ${d}: stop early at t = ${s.optimalStop[d - 1].toFixed(3)}: dF² ${format(s.atOptimalStop[d - 1])} ` +
        `instead of ${format(s.atEnd[d - 1])} at T, ${gain.toFixed(1)}% lower.`;
      item.classList.add('early');
    }
    list.append(item);
  }
}

export function setupSummaries(store) {
  renderSummaries(store);
  store.subscribe((change) => {
    if (change.model === 'new' || change.model === 'cap') renderSummaries(store);
  });
}
