// The page's formulas: MathML typeset from their TeX by xtask/math.mjs (temml), never raw TeX.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { typeset } from '../../xtask/math.mjs';

const page = readFileSync(new URL('../../www/index.html', import.meta.url), 'utf8');

test('every formula of the page is the MathML its TeX typesets to', () => {
  const { page: again, sources } = typeset(page);
  assert.ok(sources.length >= 7, `${sources.length} formulas`);
  assert.equal(again, page, 'www/index.html differs from `node xtask/math.mjs`: run it');
  for (const math of page.match(/<math[\s\S]*?<\/math>/g)) {
    assert.doesNotMatch(math, /merror|style=/, math);
  }
});

test('no TeX is visible on the page: outside the formulas\' attributes there is no command', () => {
  const text = page
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]*>/g, ' ');
  assert.doesNotMatch(text, /\\[a-zA-Z]+|\$[^$\s]+\$/);
});
