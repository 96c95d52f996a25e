// The guided reading ("Read the paper"): a card that walks through the paper's claims, one step per
// claim. A step is a state like any other (the field `tour` plus the step's view), so a link opens
// it; the card highlights the step's panel, scrolls it into view, and
// states a check computed from the page's model as the reader changes the view. Leaving the
// reading keeps the view. `?embed=tour` shows the card with the step's panel.
import { TOUR_STEPS } from './tour-steps.js';
import { tourView } from './state.js';

const $ = (id) => document.getElementById(id);
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

export function setupTour(store, { images }) {
  const card = $('tour');
  const embedded = document.body.classList.contains('embed-tour');
  let shownStep = 0; // the step on show (0: none): a new one is written out, highlighted and scrolled to
  let shownBefore = false; // whether a step has been on show since the page opened

  /** Opens step `n` (1-based) on its view, keeping the reader's theme. */
  function go(n) {
    const step = Math.min(Math.max(n, 1), TOUR_STEPS.length);
    store.set({ ...tourView(step), theme: store.get().theme }, 'tour');
  }

  function leave() {
    store.set({ tour: 0 }, 'tour');
    $('tour-open').focus();
  }

  /** The step's panel (none: `null`): highlighted, shown in an embed, else scrolled into view. */
  function bringIntoView(panel) {
    for (const section of document.querySelectorAll('section.tour-focus')) section.classList.remove('tour-focus');
    if (embedded) {
      for (const section of document.querySelectorAll('section.embedded:not(.tour)')) section.classList.remove('embedded');
    }
    if (!panel) return;
    const section = document.querySelector(`section[data-panel="${panel}"]`);
    section.classList.add('tour-focus');
    if (embedded) return section.classList.add('embedded');
    // Opened from a link, the page is still laying out its panels: scroll once they have their
    // size, at once (a smooth scroll started now is cut short by that layout in some engines).
    const opening = !shownBefore;
    const scroll = () => section.scrollIntoView({ block: 'start', behavior: opening || reducedMotion.matches ? 'auto' : 'smooth' });
    if (opening) requestAnimationFrame(() => requestAnimationFrame(scroll));
    else scroll();
  }

  /** The card's text for step `n`. */
  function writeStep(n) {
    const step = TOUR_STEPS[n - 1];
    $('tour-count').textContent = `Step ${n} of ${TOUR_STEPS.length}`;
    $('tour-progress').value = n;
    $('tour-title').textContent = step.title;
    $('tour-claim').textContent = step.claim;
    $('tour-look').textContent = step.look;
    $('tour-try').textContent = step.tryThis;
    $('tour-prev').disabled = n === 1;
    $('tour-next').disabled = n === TOUR_STEPS.length;
    for (const [k, button] of [...$('tour-steps').querySelectorAll('button')].entries()) {
      if (k + 1 === n) button.setAttribute('aria-current', 'step');
      else button.removeAttribute('aria-current');
    }
    $('tour-announce').textContent = `Step ${n} of ${TOUR_STEPS.length}: ${step.title}`;
  }

  function renderCheck(step) {
    const output = $('tour-check');
    let result;
    try {
      result = store.model() ? step.check({ state: store.get(), model: store.model(), images }) : { text: 'Computing…', pending: true };
    } catch (error) {
      result = { text: `This view cannot check the claim: ${error.message}`, value: NaN };
    }
    output.textContent = result.text;
    output.dataset.pending = String(Boolean(result.pending));
    output.dataset.value = result.pending ? '' : String(result.value);
  }

  function render() {
    const n = store.get().tour;
    card.hidden = n === 0;
    document.body.classList.toggle('touring', n > 0);
    $('tour-open').setAttribute('aria-expanded', String(n > 0));
    if (n !== shownStep) {
      // Read before writeStep disables Next or Previous at an end: a browser may move the focus
      // off a button as it is disabled.
      const pressed = document.activeElement;
      if (n > 0) writeStep(n);
      // The button pressed at the end it disables hands the focus to the step's title.
      if (n > 0 && pressed?.disabled) $('tour-title').focus();
      bringIntoView(n > 0 ? TOUR_STEPS[n - 1].panel : null);
      shownBefore ||= n > 0;
      shownStep = n;
    }
    if (n === 0) return;
    renderCheck(TOUR_STEPS[n - 1]);
  }

  // One button per step: the progress indicator is also a way to jump.
  $('tour-progress').max = TOUR_STEPS.length;
  $('tour-steps').replaceChildren(...TOUR_STEPS.map((step, k) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = String(k + 1);
    button.setAttribute('aria-label', `Step ${k + 1}: ${step.title}`);
    button.addEventListener('click', () => go(k + 1));
    item.append(button);
    return item;
  }));
  $('tour-open').disabled = false;
  $('tour-open').addEventListener('click', () => {
    go(store.get().tour || 1);
    $('tour-title').focus();
  });
  $('tour-prev').addEventListener('click', () => go(store.get().tour - 1));
  $('tour-next').addEventListener('click', () => go(store.get().tour + 1));
  $('tour-close').addEventListener('click', leave);
  // Arrow keys walk the steps from anywhere in the card but its text fields; Escape leaves.
  card.addEventListener('keydown', (event) => {
    if (event.target.matches('input, select, textarea') || event.altKey || event.ctrlKey || event.metaKey) return;
    const n = store.get().tour;
    if (event.key === 'ArrowRight' && n < TOUR_STEPS.length) go(n + 1);
    else if (event.key === 'ArrowLeft' && n > 1) go(n - 1);
    else if (event.key === 'Escape' && !embedded) leave();
    else return;
    event.preventDefault();
  });
  // The page keeps room below its last panel for the card (not embedded: there it is in the flow).
  if (!embedded) {
    // Only while the card shows: a custom property set on the body restyles the whole page.
    new ResizeObserver(() => card.hidden || document.body.style.setProperty('--tour-room', `${card.offsetHeight + 24}px`)).observe(card);
  }
  // An embedded reading always shows a step.
  if (embedded && store.get().tour === 0) go(1);
  store.subscribe(render);
  document.addEventListener('ldm-explorer:images-done', render);
  render();
}
