// The page's formulas as MathML, typeset from their TeX by temml (pinned in package.json) when the
// page is written, so that the browser needs no script, font or stylesheet for them. Each formula in
// www/index.html is a `<math data-tex="…">` element; `node xtask/math.mjs` rewrites its content from
// the TeX, and tests/js/math.test.mjs fails when the page differs from what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import temml from 'temml';

const FORMULA = /<math data-tex="([^"]*)"[^>]*>[\s\S]*?<\/math>/g;
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const encode = (text) => text.replace(/[&<>"]/g, (c) => ENTITIES[c]);
const decode = (text) => text.replace(/&(amp|lt|gt|quot);/g, (e) => Object.keys(ENTITIES).find((c) => ENTITIES[c] === e));

/** One formula: temml's MathML without its inline styles and classes (the page's policy allows no
 * inline style, and temml's stylesheet is not loaded), its TeX kept beside it. */
export function formula(tex) {
  const math = temml.renderToString(tex, { throwOnError: true })
    .replace(/ style="[^"]*"/g, '')
    .replace(/ class="[^"]*"/g, '');
  return math.replace(/^<math/, `<math data-tex="${encode(tex)}"`);
}

/** The page with every formula typeset again, and the TeX of each. */
export function typeset(html) {
  const sources = [];
  const page = html.replace(FORMULA, (_, tex) => {
    sources.push(decode(tex));
    return formula(decode(tex));
  });
  return { page, sources };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2] ?? new URL('../www/index.html', import.meta.url).pathname;
  const { page, sources } = typeset(readFileSync(path, 'utf8'));
  writeFileSync(path, page);
  console.log(`typeset ${sources.length} formulas in ${path}`);
}
