// The state in the URL hash, written after every change so that a link restores the view; a field
// the page refused keeps its last good value there. The embed's link back to the full explorer
// follows it.

import { isRefused } from './messages.js';
import { DEFAULTS, defaultsFor } from './state.js';

const $ = (id) => document.getElementById(id);

/** The values last written to the hash: a refused field keeps its last good one there (at first,
 *  the default the page drew instead). */
let linked = defaultsFor(DEFAULTS.preset);

export function writeUrl(store) {
  const state = store.get();
  linked = Object.fromEntries(Object.keys(state).map((name) => [name, isRefused(name) ? linked[name] : state[name]]));
  history.replaceState(null, '', `${location.pathname}${location.search}${store.fields.toHash(linked)}`);
  const full = new URL(location.href);
  full.searchParams.delete('embed');
  $('full-explorer').href = full.href;
}

export function setupUrl(store) {
  // Every change is written, a refused one too: writeUrl keeps a refused field's last good value,
  // and a pasted link's unusable fields leave the address bar. Written once the change has reached
  // every listener, so that the messages it reads are the ones the change left.
  let pending = false;
  store.subscribe(() => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      writeUrl(store);
    });
  });
  // A link pasted into this tab (or the back button) is read like the link the page opened with.
  // The event's own URL is read, not the address bar: a write of the old state queued before the
  // event (a change still settling) may have replaced the pasted hash in between.
  window.addEventListener('hashchange', (event) => {
    const parsed = store.fields.parseHash(new URL(event.newURL).hash);
    reportLinkProblems(parsed.problems);
    store.set(parsed.state, 'link');
    // Also when nothing changed (a link to this very view with a typo): the typo leaves the bar.
    writeUrl(store);
  });
  $('copy-link').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      $('copy-status').textContent = 'Link copied.';
    } catch {
      $('copy-status').textContent = `Copy this link: ${location.href}`;
    }
  });
}

/** Says which fields of the page's link could not be used. */
export function reportLinkProblems(problems) {
  $('url-problems').hidden = problems.length === 0;
  $('url-problems').textContent = problems.length ? `This link had problems: ${problems.join('; ')}.` : '';
}
