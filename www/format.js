// Numbers as the page prints them: four significant digits, in exponent notation outside
// [1e-3, 1e4); zero is "0".
export function format(value) {
  if (value === 0) return '0';
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? value.toPrecision(4) : value.toExponential(3);
}

/** A stopping time t ≤ T: three decimals, or as many more (up to six) as it takes for a stop
 *  before T not to read as T itself (a dip just before the end is still an early stop); closer
 *  still, its distance to T. */
export function formatStop(t, T) {
  let text = t.toFixed(3);
  for (let digits = 4; t < T && Number(text) >= T && digits <= 6; digits += 1) text = t.toFixed(digits);
  return t < T && Number(text) >= T ? `T − ${(T - t).toExponential(1)}` : text;
}

/** A relative gain (a fraction) in percent: one decimal, or two significant digits where one
 *  decimal would read 0.0% (a dip just before T, or a nearly flat curve, gains a millionth). */
export function formatPercent(fraction) {
  const percent = fraction * 100;
  return `${Math.abs(percent) >= 0.05 ? percent.toFixed(1) : Number(percent.toPrecision(2))}%`;
}
