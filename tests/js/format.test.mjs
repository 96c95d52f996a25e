// Numbers as the page prints them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { format, formatPercent, formatStop } from '../../www/format.js';

test('numbers: four significant digits, exponent notation outside [1e-3, 1e4)', () => {
  assert.equal(format(0), '0');
  assert.equal(format(1.23456), '1.235');
  assert.equal(format(12345), '1.235e+4');
  assert.equal(format(0.000123), '1.230e-4');
});

test('a stop before T never reads as T', () => {
  assert.equal(formatStop(0.7, 2), '0.700');
  assert.equal(formatStop(2, 2), '2.000', 'a stop at T reads as T');
  // Every digit added only as far as the difference needs.
  assert.equal(formatStop(1.9996, 2), '1.9996');
  assert.equal(formatStop(1.99998, 2), '1.99998');
  for (const gap of [1e-4, 3e-6]) {
    const text = formatStop(2 - gap, 2);
    assert.ok(Number(text) < 2, `${2 - gap} printed as ${text}`);
    assert.ok(Math.abs(Number(text) - (2 - gap)) <= gap / 2 + 1e-12, `${text} is near ${2 - gap}`);
  }
  // Closer than six decimals tell apart: the distance to T.
  assert.equal(formatStop(2 - 5e-8, 2), 'T − 5.0e-8');
  assert.equal(formatStop(1 - 1.234e-12, 1), 'T − 1.2e-12');
});

test('a gain in percent never reads as 0.0% when it is not zero', () => {
  assert.equal(formatPercent(0.311), '31.1%');
  assert.equal(formatPercent(0.0005), '0.1%', 'one decimal from 0.05%');
  assert.equal(formatPercent(0.000412), '0.041%');
  assert.equal(formatPercent(1.234e-7), '0.000012%');
  assert.equal(formatPercent(0), '0%');
});
