// Embed mode (`?embed=<panel>`): one section of the page fills its frame, with a link back to the
// full explorer. The embeddable sections are the page's panels that carry `data-embeddable`.
// An embedded page tells its parent the height its panel wants at the frame's width (the message
// `{ type: 'ldm-explorer:size', panel, height }`): the Embed control sizes its snippet by it, and a
// host page may resize its iframe by it.

const $ = (id) => document.getElementById(id);

export function applyEmbedMode() {
  const embed = new URLSearchParams(location.search).get('embed');
  if (embed === null) return;
  const embeddable = [...document.querySelectorAll('section[data-embeddable]')].map((s) => s.dataset.panel);
  document.body.classList.add('embed');
  const panel = embeddable.includes(embed) ? embed : 'curves';
  document.querySelector(`section[data-panel="${panel}"]`).classList.add('embedded');
  // The guided reading embeds its card and, beside it, each step's panel (tour.js).
  document.body.classList.toggle('embed-tour', panel === 'tour');
  if (!embeddable.includes(embed)) {
    $('url-problems').hidden = false;
    $('url-problems').textContent = `embed: unknown panel "${embed}"; use one of ${embeddable.join(', ')}. Showing the curves.`;
  }
}

/**
 * The height, in CSS pixels, that the embedded panel takes at this width when its plot keeps the
 * page's usual proportions (a plot that fills its frame would otherwise take whatever it is given).
 */
export function naturalHeight() {
  document.body.classList.add('measuring');
  const bottoms = [...document.body.children]
    .filter((element) => element.getClientRects().length > 0)
    .map((element) => element.getBoundingClientRect().bottom + parseFloat(getComputedStyle(element).marginBottom));
  document.body.classList.remove('measuring');
  return Math.ceil(Math.max(0, ...bottoms) + window.scrollY);
}

/**
 * In a frame, posts the wanted height now and whenever the page's size changes (the frame's width,
 * or the panel's content). Called once the start has laid the page out: the Embed control takes
 * the first report as the measure.
 */
export function startSizeReports() {
  const panel = document.querySelector('section.embedded')?.dataset.panel;
  if (!panel || window.parent === window) return;
  new ResizeObserver(() => {
    window.parent.postMessage({ type: 'ldm-explorer:size', panel, height: naturalHeight() }, '*');
  }).observe(document.body);
}
