// How the plots are drawn: the theme in effect (the reader's choice, or the system's) and the
// options every drawing and export of the model takes.

const dark = window.matchMedia('(prefers-color-scheme: dark)');

export function effectiveTheme(state) {
  return state.theme === 'auto' ? (dark.matches ? 'dark' : 'light') : state.theme;
}

/** A change of the system's theme is told to the store as a change of the theme. */
export function followSystemTheme(store) {
  dark.addEventListener('change', () => store.notify({ changed: new Set(['theme']), source: 'system' }));
}

/** A window field as the module takes it: `[low, high]`, or undefined for none. */
const windowOf = (text) => (text ? text.split(',').map(Number) : undefined);

/** The model's drawing options; the cursor only for exports (on the page it has its own layer). */
export function viewOptions(store, { withCursor = false } = {}) {
  const state = store.get();
  const summary = store.model()?.summary;
  return {
    theme: effectiveTheme(state),
    xAxis: state.axis,
    emphasis: state.d > 0 && summary && state.d <= summary.dimension ? state.d : undefined,
    cursor: withCursor ? state.cursor : undefined,
    xRange: windowOf(state.xRange),
    yRange: windowOf(state.yRange),
  };
}
