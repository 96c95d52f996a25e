// Loads the web builds of the wasm modules in Node (initSync: the async init would fetch a file: URL):
// `api`, the page's module (ldm_explorer), `sim`, the module the page's worker runs (ldm_worker:
// samplers, Monte Carlo, any covariance, files), and `images`, the image worker's (ldm_images; its
// CPU engine: Node has no WebGPU).
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
export const sim = await load('ldm_worker');
export const images = await load('ldm_images');
/** The shipped digits, as the page fetches them. */
export const digitsBytes = new Uint8Array(readFileSync(path.join(here, '..', '..', 'www', 'data', 'digits.ldmimg')));
