// The one state store of the page. It holds the state (every field of the URL hash, each valid on
// its own) and the model computed from it, and tells its listeners, in the order they subscribed,
// what changed: `{changed: Set of state fields, source}` plus what earlier listeners noted on the
// same change (the model module notes whether the model was recomputed or refused the change).
// No other module keeps state that another reads.

export function createStore(fields, initial) {
  let state = { ...initial };
  let model = null;
  const listeners = [];
  const store = {
    fields,
    /** How long the page's work took, for the tests and the benchmark page (filled as it runs). */
    timings: { firstCurveMs: null, lastDrawMs: {}, draws: {}, lastCursorMs: null, lastCapMs: null, lastSimulationMs: {} },
    /** Where each time plot's x axis lies on its canvas, as last drawn (for the cursor). */
    frames: {},
    /** The current state (a fresh copy is made at each change; do not mutate it). */
    get: () => state,
    /** The page's model: `{explorer, summary, samplerError}`, or null before the first computation. */
    model: () => model,
    setModel(next) {
      model = next;
    },
    /** Changes some fields; `source` names the control the change came from (left as typed). */
    set(patch, source = null) {
      const changed = new Set(Object.keys(patch).filter((name) => patch[name] !== state[name]));
      if (changed.size === 0) return;
      state = { ...state, ...patch };
      store.notify({ changed, source });
    },
    /** Changes fields as part of a change being told (the model keeps the cursor within [0, T]):
     *  the listeners after this one see them in `change.changed`. */
    amend(change, patch) {
      state = { ...state, ...patch };
      for (const name of Object.keys(patch)) change.changed.add(name);
    },
    /** Tells every listener about a change (also one that is not a state field: the system theme). */
    notify(change) {
      // One listener's error must not leave the later ones (the URL, the panels) behind.
      const errors = [];
      for (const listener of listeners) {
        try {
          listener(change);
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length) throw errors[0];
    },
    subscribe(listener) {
      listeners.push(listener);
    },
  };
  return store;
}

/** Whether a change touched any of these fields. */
export function touches(change, names) {
  return names.some((name) => change.changed.has(name));
}
