// The page's worker (workers/worker.js on the ldm_worker module), started when first needed and
// shared by the sampling jobs and the reading of files: each sends messages with its own `kind`
// and hears back only its own.

const handlers = new Map(); // kind → handler of the worker's messages of that kind
let worker = null;
let lastJobId = 0;

/** The worker died (its module did not load, offline say): the next post starts a new one. */
function failed(event) {
  worker.terminate();
  worker = null;
  for (const [kind, handler] of handlers) handler({ type: 'error', kind, id: null, message: `The worker failed: ${event.message ?? 'its module could not be loaded'}` });
}

/** Posts a message to the worker, starting it if needed. */
export function post(message) {
  if (!worker) {
    worker = new Worker(new URL('./workers/worker.js', import.meta.url), { type: 'module' });
    worker.addEventListener('message', ({ data }) => handlers.get(data.kind)?.(data));
    worker.addEventListener('error', failed);
  }
  worker.postMessage(message);
}

/** Posts a message only to a worker that runs already (a cancel needs no new worker). */
export function postIfRunning(message) {
  worker?.postMessage(message);
}

export function listen(kinds, handler) {
  for (const kind of kinds) handlers.set(kind, handler);
}

/** A fresh id for a job, unique across kinds. */
export function nextJobId() {
  lastJobId += 1;
  return lastJobId;
}
