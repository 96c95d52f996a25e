// A CPU run's samples shared with helper workers: more workers of the image worker's own script,
// one a spare core, each running ranges of the samples on a RangeRunner (the run's plan rebuilt
// there). Each sample's noise is its own, so a run shared among workers is the run in one worker,
// bit for bit. The image worker runs ranges too, between the helpers' replies.
//
// This module does not import the image module: in the single file each import of it would carry
// the wasm again inside this worker's data: URL. The caller hands RangeRunner in.

// Ranges a helper holds at once: it starts the next while its reply waits for the image worker,
// which answers only between its own ranges.
const IN_FLIGHT = 2;

const yieldToMessages = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The image worker's side: its helpers, and the sharing of one run at a time among them. */
export function helperPool() {
  const helpers = []; // {port, ready, lost, plan: the key of the plan it holds, ranges in flight}
  let job = null; // the run being shared: {key, imageRun, request, inputs, queue, workers, progress, error}
  let keys = 0;
  let waiting = null;
  const wake = () => {
    waiting?.();
    waiting = null;
  };

  function give(helper) {
    while (job && !job.error && helper.ready && !helper.lost && helper.ranges.length < IN_FLIGHT && job.queue.length) {
      const [start, end] = job.queue.shift();
      if (helper.plan !== job.key) {
        job.inputs ??= job.imageRun.planInputs();
        helper.port.postMessage({ type: 'plan', key: job.key, request: job.request, ...job.inputs });
        helper.plan = job.key;
      }
      helper.ranges.push({ key: job.key, start, end });
      helper.port.postMessage({ type: 'range', key: job.key, start, end });
    }
  }

  /** A helper's ranges of the current run go back to the queue, for the others or this worker. */
  function takeBack(helper) {
    for (const range of helper.ranges) if (job?.key === range.key) job.queue.unshift([range.start, range.end]);
    helper.ranges = [];
  }

  function onReply(helper, reply) {
    if (reply.type === 'ready') helper.ready = true;
    else {
      const index = helper.ranges.findIndex((r) => r.key === reply.key && r.start === reply.start);
      const [range] = index >= 0 ? helper.ranges.splice(index, 1) : [];
      if (range && job?.key === range.key) {
        if (reply.type === 'samples') {
          try {
            job.imageRun.setSamples(range.start, reply.latents);
            job.workers.add(helper);
            job.progress();
          } catch (error) {
            job.error = error;
          }
        } else {
          // The helper could not (its plan or range was refused): it stops helping.
          helper.lost = true;
          helper.ranges.push(range);
          takeBack(helper);
        }
      }
    }
    give(helper);
    wake();
  }

  return {
    /** MessagePorts to new helpers (the page makes the workers). */
    add(ports) {
      for (const port of ports) {
        const helper = { port, ready: false, lost: false, plan: null, ranges: [] };
        port.onmessage = ({ data }) => onReply(helper, data);
        helpers.push(helper);
      }
    },
    /** The page saw helper `index` fail: what it held is done elsewhere. */
    lose(index) {
      const helper = helpers[index];
      if (!helper) return;
      helper.lost = true;
      takeBack(helper);
      wake();
    },
    /** A newer run or a cancel: a waiting share-out looks again. */
    wake,
    /**
     * Runs every sample of `imageRun` in ranges of `chunk` samples, here and on the helpers;
     * `progress()` after each range. Resolves to how many workers computed samples, or to 0 when
     * `superseded()` says a newer run took over.
     */
    async share(imageRun, { request, chunk, progress, superseded }) {
      const samples = imageRun.samples;
      const queue = [];
      for (let start = 0; start < samples; start += chunk) queue.push([start, Math.min(samples, start + chunk)]);
      const mine = { key: ++keys, imageRun, request, inputs: null, queue, workers: new Set(), progress, error: null };
      job = mine;
      try {
        helpers.forEach(give);
        while (imageRun.done < samples) {
          if (mine.error) throw mine.error;
          if (queue.length) {
            const [start, end] = queue.shift();
            imageRun.runCpuRange(start, end);
            progress();
            helpers.forEach(give);
            await yieldToMessages();
          } else {
            await new Promise((resolve) => {
              waiting = resolve;
            });
          }
          if (superseded()) return 0;
        }
        return 1 + mine.workers.size;
      } finally {
        if (job === mine) job = null;
      }
    },
  };
}

/** A helper's side: it rebuilds each plan it is sent and runs the ranges it is asked for. */
export function serveRanges(port, loaded, RangeRunner) {
  let runner = null;
  let key = null;
  port.onmessage = ({ data }) => {
    if (data.type === 'plan') {
      runner?.free();
      runner = null;
      key = data.key;
      try {
        runner = new RangeRunner(data.request, data.variances, data.training);
      } catch {
        // Its ranges are answered 'failed', and the image worker runs them itself.
      }
    } else if (data.type === 'range') {
      try {
        if (!runner || data.key !== key) throw new Error('no plan for this range');
        const latents = runner.run(data.start, data.end);
        port.postMessage({ type: 'samples', key, start: data.start, latents }, [latents.buffer]);
      } catch {
        port.postMessage({ type: 'failed', key: data.key, start: data.start });
      }
    }
  };
  loaded().then(() => port.postMessage({ type: 'ready' }), () => {});
}
