// Loads the web builds of both wasm modules in Node (initSync: the async init would fetch a file: URL):
// `api`, the page's module, and `sim`, the sampling module the page's worker runs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const pkgDir = process.env.LDM_EXPLORER_PKG ?? path.join(here, '..', '..', 'www', 'pkg');

async function load(name) {
  const module = await import(path.join(pkgDir, `${name}.js`));
  module.initSync({ module: readFileSync(path.join(pkgDir, `${name}_bg.wasm`)) });
  return module;
}

export const api = await load('ldm_explorer');
export const sim = await load('ldm_sim');
