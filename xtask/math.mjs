// The page's formulas as MathML, typeset from their TeX by temml (pinned in package.json) when the
// page is written, so that the browser needs no script, font or stylesheet for them. Each formula in
// www/index.html is a `<math data-tex="…">` element; `node xtask/math.mjs` rewrites its content from
// the TeX, and tests/js/math.test.mjs fails when the page differs from what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import temml from 'temml';

const FORMULA = /(?:<span class="formula" tabindex="0">)?<math data-tex="([^"]*)"([^>]*)>[\s\S]*?<\/math>(?:<\/span>)?/g;
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const encode = (text) => text.replace(/[&<>"]/g, (c) => ENTITIES[c]);
const decode = (text) => text.replace(/&(amp|lt|gt|quot);/g, (e) => Object.keys(ENTITIES).find((c) => ENTITIES[c] === e));

/** One formula: temml's MathML without its inline styles and classes (the page's policy allows no
 * inline style, and temml's stylesheet is not loaded), its TeX kept beside it. */
export function formula(tex, { display = false } = {}) {
  const math = temml.renderToString(tex, { throwOnError: true, displayMode: display })
    .replace(/ style="[^"]*"/g, '')
    .replace(/ class="[^"]*"/g, '');
  const tagged = math.replace(/^<math/, `<math data-tex="${encode(tex)}"`);
  // A formula on its own line may scroll sideways on a phone, in a box the keyboard reaches (a
  // <math> element itself does not scroll in every engine).
  return display ? `<span class="formula" tabindex="0">${tagged}</span>` : tagged;
}

/** The page with every formula typeset again, and the TeX of each. */
export function typeset(html) {
  const sources = [];
  // A formula too wide for a phone's line is set on a line of its own: `<math data-tex="…" display="block">`.
  const page = html.replace(FORMULA, (_, tex, attributes) => {
    sources.push(decode(tex));
    return formula(decode(tex), { display: /display="block"/.test(attributes) });
  });
  return { page, sources };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2] ?? new URL('../www/index.html', import.meta.url).pathname;
  const { page, sources } = typeset(readFileSync(path, 'utf8'));
  writeFileSync(path, page);
  console.log(`typeset ${sources.length} formulas in ${path}`);
}
