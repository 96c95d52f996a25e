// A worker's wasm module, loaded as soon as the worker starts and awaited where it is used. A
// failed load (the browser went offline, say) is not kept: the next use loads it again, and the
// failure is reported by that use, never left as an unhandled rejection.
export function wasmLoader(init) {
  let loading = null;
  const loaded = () => {
    loading ??= init().catch((error) => {
      loading = null;
      throw error;
    });
    return loading;
  };
  loaded().catch(() => {}); // started now; a failure is the first use's to report
  return loaded;
}
