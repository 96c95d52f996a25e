// The page's worker: seeded Monte Carlo and the reading of files in their own thread, on the worker module
// (pkg/ldm_worker.wasm), so that the page never waits for it. Each job runs in chunks of about two
// million coordinate updates (some 40 ms); between chunks the worker reads its messages, so a newer job of the
// same kind, or a cancel, stops an older one, and the page hears progress after every chunk.
import init, { CsvUpload, monteCarloRun, readNpy, scatterChunk } from '../pkg/ldm_worker.js';
import { wasmLoader } from './wasm-loader.js';

const loaded = wasmLoader(init);
const UPDATES_PER_CHUNK = 2e6;
const current = { scatter: 0, monteCarlo: 0, upload: 0 }; // the job of each kind to work on; 0: none
const UPLOAD_CHUNK_BYTES = 1 << 20;
const clock = () => performance.timeOrigin + performance.now(); // comparable across threads

/**
 * After a chunk of job `id`: reports its progress, lets queued messages (a newer job, a cancel) in,
 * and says whether the job goes on; a job that does not is reported stopped.
 */
async function continueAfter(kind, id, done, total) {
  postMessage({ id, type: 'progress', kind, done, total });
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (current[kind] === id) return true;
  postMessage({ id, type: 'stopped', kind });
  return false;
}

async function scatter({ id, sampler, seed, n, coordinates, frames }) {
  const startedAt = clock();
  const count = Math.max(1, Math.floor(UPDATES_PER_CHUNK / (coordinates.length * sampler.steps)));
  let steps = null;
  let t = null;
  let generated = null;
  const data = new Float64Array(n * coordinates.length);
  for (let first = 0; first < n; first += count) {
    const chunk = scatterChunk({ sampler, seed, first, count: Math.min(count, n - first), coordinates, frames });
    if (!generated) {
      ({ steps, t } = chunk);
      generated = new Float64Array(steps.length * n * coordinates.length);
    }
    // [frame][sample][coordinate]: each frame's rows of this chunk go after the earlier chunks'.
    const rows = chunk.data.length;
    for (let f = 0; f < steps.length; f++) {
      generated.set(chunk.generated.subarray(f * rows, (f + 1) * rows), f * n * coordinates.length + first * coordinates.length);
    }
    data.set(chunk.data, first * coordinates.length);
    if (first + count >= n) break;
    if (!(await continueAfter('scatter', id, first + count, n))) return;
  }
  const finishedAt = clock();
  postMessage({ id, type: 'done', kind: 'scatter', steps, t, data, generated, startedAt, finishedAt }, [data.buffer, generated.buffer]);
}

async function monteCarlo({ id, sampler, seed, n, runs, checkpoints }) {
  const startedAt = clock();
  let t = null;
  let values = null;
  for (let run = 0; run < runs; run++) {
    const result = monteCarloRun({ sampler, seed, run, n, checkpoints });
    if (!values) {
      t = result.t;
      values = new Float64Array(runs * t.length);
    }
    values.set(result.fd2, run * t.length);
    if (run + 1 === runs) break;
    if (!(await continueAfter('monteCarlo', id, run + 1, runs))) return;
  }
  const finishedAt = clock();
  postMessage({ id, type: 'done', kind: 'monteCarlo', t, values, startedAt, finishedAt }, [values.buffer]);
}

/** A dropped or chosen file (or pasted text): read in chunks, then its spectrum. */
async function upload({ id, file, text }) {
  const startedAt = clock();
  let result;
  if (text !== undefined) {
    const reader = new CsvUpload();
    try {
      reader.push(text);
      result = reader.finish();
    } finally {
      reader.free();
    }
  } else {
    const head = new Uint8Array(await file.slice(0, 6).arrayBuffer());
    const isNpy = head.length === 6 && head[0] === 0x93 && String.fromCharCode(...head.subarray(1)) === 'NUMPY';
    if (isNpy || file.name.toLowerCase().endsWith('.npy')) {
      result = readNpy(new Uint8Array(await file.arrayBuffer()));
    } else {
      // UTF-8 text in chunks: the decoder carries a character split between two chunks.
      const decoder = new TextDecoder('utf-8', { fatal: true });
      const reader = new CsvUpload();
      try {
        for (let offset = 0; offset < file.size; offset += UPLOAD_CHUNK_BYTES) {
          const bytes = await file.slice(offset, offset + UPLOAD_CHUNK_BYTES).arrayBuffer();
          reader.push(decoder.decode(bytes, { stream: true }));
          if (!(await continueAfter('upload', id, Math.min(offset + UPLOAD_CHUNK_BYTES, file.size), file.size))) return;
        }
        reader.push(decoder.decode());
        result = reader.finish();
      } catch (error) {
        throw error instanceof TypeError ? new Error('file: is not UTF-8 text (nor a .npy file)') : error;
      } finally {
        reader.free();
      }
    }
  }
  const finishedAt = clock();
  postMessage({ id, type: 'done', kind: 'upload', result, startedAt, finishedAt }, [result.variances.buffer]);
}

const JOBS = { scatter, monteCarlo, upload };

onmessage = async ({ data: message }) => {
  if (message.type === 'cancel') {
    current[message.kind] = 0;
    return;
  }
  current[message.kind] = message.id;
  try {
    await loaded();
    if (current[message.kind] === message.id) await JOBS[message.kind](message);
  } catch (error) {
    postMessage({ id: message.id, type: 'error', kind: message.kind, message: error.message });
  }
};
