// README's JavaScript examples run against the built module, and every value a comment claims
// (`expression; // literal: explanation`) is checked.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { api, digitsBytes, images, sim } from './load.mjs';

const readme = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md'), 'utf8');
const apiSection = readme.slice(readme.indexOf('## JavaScript API'), readme.indexOf('## Layout'));
const blocks = [...apiSection.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
const CLAIM = /^(\s*)(.+?);\s*\/\/\s*(\[[^\]]*\]|'[^']*'|-?\d+(?:\.\d+)?|true|false)(?::.*)?$/;

test('README has JavaScript examples', () => assert.ok(blocks.length >= 4, `${blocks.length} blocks`));

blocks.forEach((block, index) => {
  test(`README example ${index + 1} runs and its claimed values hold`, async () => {
    let claims = 0;
    const body = block
      .split('\n')
      .filter((line) => !/^\s*import /.test(line) && !/^\s*await init\w*\(\)/.test(line))
      .map((line) => {
        const m = line.match(CLAIM);
        if (!m) return line;
        claims++;
        // The claimed literal is JSON once its single quotes are double ones.
        const expected = JSON.stringify(m[3].replaceAll("'", '"'));
        return `${m[1]}__claim(${m[2]}, JSON.parse(${expected}), ${JSON.stringify(m[2])});`;
      })
      .join('\n');
    // The modules' exports, as a reader who imports each would have them, and the digits' bytes.
    const modules = { ...images, ...sim, ...api, digitsBytes };
    const names = Object.keys(modules).filter((k) => k !== 'default' && /^[a-zA-Z]+$/.test(k));
    const AsyncFunction = (async () => {}).constructor;
    const run = new AsyncFunction('__claim', ...names, body);
    await run((actual, expected, source) => assert.deepEqual(actual, expected, source), ...names.map((k) => modules[k]));
    if (index === 0) assert.ok(claims >= 3, 'the first example checks its claims');
  });
});
