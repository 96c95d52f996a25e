// Numbers as the page prints them: four significant digits, in exponent notation outside
// [1e-3, 1e4); zero is "0".
export function format(value) {
  if (value === 0) return '0';
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? value.toPrecision(4) : value.toExponential(3);
}
