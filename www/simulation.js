// Sampling on the page: the scatter's seeded samples and the Monte Carlo runs over the curves,
// computed by the worker in chunks while the page stays responsive. The jobs follow the state: a
// newer setting supersedes older work, a cancelled job is not rerun, and finished results are
// handed to the model (once per model) and drawn.
import { listen, nextJobId, post, postIfRunning } from './worker-client.js';
import { clearMessages, setMessage } from './messages.js';
import { touches } from './store.js';
import { DATA_FIELDS, SAMPLER_FIELDS } from './model.js';

const $ = (id) => document.getElementById(id);
const KINDS = ['scatter', 'monteCarlo'];
const SCATTER_FRAMES = 101; // recorded steps of the scatter: the cursor's resolution is T/100
const MONTE_CARLO_CHECKPOINTS = 10;
const OFFLINE = 'Sampling needs a file this page has not downloaded yet, and the browser is offline: it starts when the browser is back online.';
/** The sampling fields of the state (the sampler's own are the model's). */
export const SIMULATION_FIELDS = ['scatterX', 'scatterY', 'samples', 'runs', 'sampleSeed'];

export function setupSimulation(store, limits, scheduleDraw) {
  const running = { scatter: null, monteCarlo: null }; // {id, key, job, started, done, total} of the job in flight
  const finished = { scatter: null, monteCarlo: null }; // {key, job, message, ms, breakdown} of the last completed job
  const applied = { scatter: null, monteCarlo: null }; // {explorer, key} handed to the model
  const cancelled = { scatter: null, monteCarlo: null }; // a key the reader cancelled: not rerun
  let retryOnline = false; // a job failed offline: sync again once the browser is back online

  /** What each kind of job should compute now (a worker message and its key), or why not. */
  function wantedJobs() {
    const wanted = { scatter: null, monteCarlo: null };
    const state = store.get();
    const model = store.model();
    // Clear the messages of this check only: a value typed wrong keeps its own message.
    clearMessages(['scatterX', 'scatterY', 'samples'].filter((field) => !store.fields.readField(field, $(field).value).error));
    $('sim-limits').textContent = '';
    if (!model || model.samplerError) return wanted;
    const D = model.summary.dimension;
    let coordinatesValid = true;
    for (const field of ['scatterX', 'scatterY']) {
      if (state[field] > D) {
        setMessage(field, `${field}: the data has D = ${D} coordinates, got ${state[field]}`);
        coordinatesValid = false;
      }
    }
    if (coordinatesValid) {
      const coordinates = [state.scatterX, state.scatterY];
      const sampler = model.explorer.samplerRequest(Math.max(...coordinates));
      const job = { kind: 'scatter', sampler, seed: state.sampleSeed, n: state.samples, coordinates, frames: SCATTER_FRAMES };
      if (state.samples * 2 * state.steps > limits.maxSampledValues) {
        setMessage('samples', `samples: n × 2 × steps must stay within ${limits.maxSampledValues} updates`);
      } else {
        wanted.scatter = job;
      }
    }
    if (state.overlay === 'on') {
      const d = model.explorer.samplerDimension(state.d);
      const sampler = model.explorer.samplerRequest(d);
      const checkpoints = Math.min(MONTE_CARLO_CHECKPOINTS, state.steps);
      const job = { kind: 'monteCarlo', sampler, seed: state.sampleSeed, n: state.samples, runs: state.runs, checkpoints, d };
      if (d > limits.maxMonteCarloDimension) {
        $('sim-limits').textContent = `Monte Carlo: d = ${d} is above ${limits.maxMonteCarloDimension} (each checkpoint is a d × d eigenproblem); highlight a smaller d`;
      } else if (state.samples * d * state.steps > limits.maxSampledValues) {
        $('sim-limits').textContent = `Monte Carlo: n × d × steps = ${state.samples * d * state.steps} is above ${limits.maxSampledValues} updates per run; lower n or the steps`;
      } else {
        wanted.monteCarlo = job;
      }
    }
    for (const job of Object.values(wanted)) if (job) job.key = JSON.stringify(job, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v));
    return wanted;
  }

  function stopJob(kind) {
    if (!running[kind]) return;
    postIfRunning({ type: 'cancel', kind });
    running[kind] = null;
  }

  /** Starts, keeps or stops the worker's jobs so that they match the state; hands finished ones in. */
  function sync() {
    const wanted = wantedJobs();
    for (const kind of KINDS) {
      const job = wanted[kind];
      if (!job) {
        stopJob(kind);
        continue;
      }
      if (finished[kind]?.key === job.key) {
        applyResult(kind);
        continue;
      }
      if (running[kind]?.key === job.key || cancelled[kind] === job.key) continue;
      const id = nextJobId();
      const total = kind === 'scatter' ? job.n : job.runs;
      running[kind] = { id, key: job.key, job, started: performance.now(), done: 0, total };
      const { key, d, ...message } = job;
      post({ ...message, id });
    }
    renderProgress();
  }

  /** Hands a finished job's numbers to the current model (once per model) and redraws. */
  function applyResult(kind) {
    const result = finished[kind];
    const { explorer } = store.model();
    if (applied[kind]?.explorer === explorer && applied[kind].key === result.key) return;
    const { job, message: m } = result;
    try {
      if (kind === 'scatter') explorer.setScatter(new Uint32Array(job.coordinates), m.steps, m.data, m.generated);
      else explorer.setMonteCarlo(job.d, m.t, m.values, job.n);
    } catch (error) {
      renderProgress(error.message);
      return;
    }
    applied[kind] = { explorer, key: result.key };
    store.timings.lastSimulationMs[kind] = result.ms;
    store.timings.lastSimulationBreakdown = { ...store.timings.lastSimulationBreakdown, [kind]: result.breakdown };
    scheduleDraw([kind === 'scatter' ? 'scatter' : 'curves']);
  }

  /** A job, or the worker itself (`id` null), failed: offline, the jobs start again once online. */
  function failed(message) {
    if (message.id === null) running[message.kind] = null;
    else if (running[message.kind]?.id === message.id) running[message.kind] = null;
    else return; // a superseded job
    retryOnline = !navigator.onLine;
    renderProgress(retryOnline ? OFFLINE : message.message);
  }

  function onMessage(message) {
    if (message.id === null || message.type === 'error') return failed(message);
    const job = running[message.kind];
    if (!job || job.id !== message.id) return; // a superseded job
    if (message.type === 'progress') {
      Object.assign(job, { done: message.done, total: message.total });
      renderProgress();
    } else if (message.type === 'done') {
      running[message.kind] = null;
      // Where the time went, on one clock: to the worker, in it, back, and into the model.
      const now = performance.timeOrigin + performance.now();
      const posted = performance.timeOrigin + job.started;
      const breakdown = { toWorkerMs: message.startedAt - posted, inWorkerMs: message.finishedAt - message.startedAt, backMs: now - message.finishedAt };
      finished[message.kind] = { key: job.key, job: job.job, message, ms: performance.now() - job.started, breakdown };
      applyResult(message.kind);
      renderProgress();
    }
  }

  function renderProgress(note) {
    const jobs = KINDS.filter((kind) => running[kind]);
    const done = jobs.reduce((sum, kind) => sum + running[kind].done / running[kind].total, 0);
    const samplerError = store.model()?.samplerError;
    $('sim-progress').hidden = jobs.length === 0;
    $('sim-progress').value = jobs.length ? done / jobs.length : 0;
    $('cancel').hidden = jobs.length === 0;
    if (samplerError) {
      $('sim-status').textContent = `No sampling: ${samplerError}`;
    } else if (note !== undefined) {
      $('sim-status').textContent = note;
    } else if (jobs.length) {
      $('sim-status').textContent = jobs
        .map((kind) => kind === 'scatter'
          ? `sampling ${running.scatter.done} of ${running.scatter.total}`
          : `Monte Carlo run ${running.monteCarlo.done} of ${running.monteCarlo.total}`)
        .join('; ') + '…';
    } else if (finished.scatter && applied.scatter?.explorer === store.model()?.explorer) {
      const { job } = finished.scatter;
      $('sim-status').textContent = `Simulated: ${job.n} samples, seed ${job.seed}, in ${Math.round(finished.scatter.ms)} ms.`;
    }
  }

  listen(KINDS, onMessage);
  window.addEventListener('online', () => {
    if (!retryOnline) return;
    retryOnline = false;
    sync();
  });
  $('cancel').addEventListener('click', () => {
    for (const kind of KINDS) {
      if (running[kind]) cancelled[kind] = running[kind].key;
      stopJob(kind);
    }
    renderProgress('Cancelled. Change a setting (the seed, for one) to sample again.');
  });
  store.subscribe((change) => {
    if (change.model === 'refused') return;
    if (change.model === 'new' || touches(change, ['d', ...SAMPLER_FIELDS, ...SIMULATION_FIELDS, ...DATA_FIELDS])) sync();
  });
  return { start: sync, simulating: () => Boolean(running.scatter || running.monteCarlo) };
}
