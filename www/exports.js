// Every plot exports PNG (what the reader sees, cursor included), SVG (the same drawing through
// plotters' SVG backend) and CSV (its numbers at full precision).
import { viewOptions } from './view.js';

/** Saves a blob under a name. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const anchor = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * One export button per kind in `holder`, each calling `save(kind)`. The page's own panels write
 * their buttons in the markup (disabled until now), so that nothing moves when they come alive.
 */
export function addButtons(holder, kinds, what, save) {
  for (const kind of kinds) {
    let button = holder.querySelector(`button[data-export="${kind}"]`);
    if (!button) {
      const text = holder.dataset.label ? `${holder.dataset.label} ${kind.toUpperCase()}` : kind.toUpperCase();
      button = Object.assign(document.createElement('button'), { type: 'button', textContent: text });
      button.dataset.export = kind;
      holder.append(button);
    }
    button.setAttribute('aria-label', `Download ${what} as ${kind.toUpperCase()}`);
    button.addEventListener('click', () => save(kind));
    button.disabled = false;
  }
}

function exportPanel(store, timePlots, panel, kind, drawNow) {
  const model = store.model();
  if (!model) return;
  // A panel far from the window may not have been drawn since the last change.
  if (kind === 'png') drawNow(panel);
  const canvas = document.querySelector(`canvas[data-panel="${panel}"]`);
  const name = `ldm-explorer-${panel}.${kind}`;
  if (kind === 'png') {
    const image = Object.assign(document.createElement('canvas'), { width: canvas.width, height: canvas.height });
    const context = image.getContext('2d');
    context.drawImage(canvas, 0, 0);
    const layer = document.querySelector(`canvas[data-cursor-for="${panel}"]`);
    if (layer) context.drawImage(layer, 0, 0);
    image.toBlob((blob) => download(blob, name), 'image/png');
  } else if (kind === 'svg') {
    const width = Math.max(64, Math.round(canvas.clientWidth));
    const height = Math.max(64, Math.round(canvas.clientHeight));
    const options = viewOptions(store, { withCursor: timePlots.includes(panel) || panel === 'scatter' });
    download(new Blob([model.explorer.svg(panel, width, height, options)], { type: 'image/svg+xml' }), name);
  } else {
    download(new Blob([model.explorer.csv(panel, viewOptions(store, { withCursor: true }))], { type: 'text/csv' }), name);
  }
}

export function setupExports(store, registry, drawNow) {
  const timePlots = registry.filter((p) => p.timePlot).map((p) => p.name);
  for (const holder of document.querySelectorAll('.exports')) {
    const panel = holder.dataset.panel;
    const kinds = (holder.dataset.kinds ?? 'png svg csv').split(' ');
    addButtons(holder, kinds, `the ${panel} plot`, (kind) => exportPanel(store, timePlots, panel, kind, drawNow));
  }
}
