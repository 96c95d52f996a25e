// Loads the web build of the wasm module in Node (initSync: the async init would fetch a file: URL).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const pkgDir = process.env.LDM_EXPLORER_PKG ?? path.join(here, '..', '..', 'www', 'pkg');
export const api = await import(path.join(pkgDir, 'ldm_explorer.js'));
api.initSync({ module: readFileSync(path.join(pkgDir, 'ldm_explorer_bg.wasm')) });
