// Embed mode (`?embed=<panel>`): one section of the page fills its frame, with a link back to the
// full explorer. The embeddable sections are the page's panels that carry `data-embeddable`.

const $ = (id) => document.getElementById(id);

export function applyEmbedMode() {
  const embed = new URLSearchParams(location.search).get('embed');
  if (embed === null) return;
  const embeddable = [...document.querySelectorAll('section[data-embeddable]')].map((s) => s.dataset.panel);
  document.body.classList.add('embed');
  const panel = embeddable.includes(embed) ? embed : 'curves';
  document.querySelector(`section[data-panel="${panel}"]`).classList.add('embedded');
  if (!embeddable.includes(embed)) {
    $('url-problems').hidden = false;
    $('url-problems').textContent = `embed: unknown panel "${embed}"; use one of ${embeddable.join(', ')}. Showing the curves.`;
  }
}
