// What the benchmark page (bench.js) and `cargo xtask bench`'s Node part (xtask/bench.mjs) time
// with: the median of repeated calls, and the spectrum their closed forms are measured on.

/** Median wall time of `run` in milliseconds over `repeats` calls, after one warm-up call. */
export function median(run, repeats) {
  run();
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(repeats / 2)];
}

/** A power-law spectrum σk² = k^(−1.5), the shape of real latent spectra. */
export const spectrum = (dimension) => Array.from({ length: dimension }, (_, k) => (k + 1) ** -1.5);
