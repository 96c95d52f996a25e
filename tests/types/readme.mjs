// Writes README's JavaScript examples as one TypeScript file (target/types/readme.ts), each block in a
// function of its own with the imports hoisted, so that tsc checks them against the modules' .d.ts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const api = readme.slice(readme.indexOf('## JavaScript API'), readme.indexOf('## Layout'));
const blocks = [...api.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
if (blocks.length < 4) throw new Error(`README has ${blocks.length} JavaScript examples`);
const imports = [];
const functions = blocks.map((block, index) => {
  const body = block
    .split('\n')
    .filter((line) => {
      if (!/^\s*import /.test(line)) return true;
      imports.push(line.replace("'./pkg/", "'../../www/pkg/"));
      return false;
    })
    .map((line) => `  ${line}`)
    .join('\n');
  return `export async function example${index + 1}() {\n${body}\n}\n`;
});
const header = '// Generated from README.md by tests/types/readme.mjs: README\'s examples, type-checked.\n';
const declarations = 'declare const digitsBytes: Uint8Array; // the bytes of www/data/digits.ldmimg\n';
mkdirSync(path.join(root, 'target', 'types'), { recursive: true });
writeFileSync(path.join(root, 'target', 'types', 'readme.ts'), [header, ...imports, declarations, ...functions].join('\n'));
console.log(`tests/types/readme.mjs: ${blocks.length} README examples written to target/types/readme.ts`);
