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
// With nothing left to hand out, the image worker takes back a range a helper holds but has not
// answered for this many times its own slowest range (a helper may have died silently).
const PATIENCE = 4;

const yieldToMessages = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The image worker's side: its helpers, and the sharing of one run at a time among them. */
export function helperPool() {
  // Each helper: {port, ready, lost, failed (the job it failed), plan (the job whose plan it
  // holds), ranges: [{job, start, end}] in flight}.
  const helpers = [];
  let job = null; // the run being shared
  let keys = 0; // each run's key, echoed by the helpers' replies

  function give(helper) {
    const takes = job && helper.ready && !helper.lost && helper.failed !== job && job.queue.length;
    if (!takes || helper.ranges.length >= IN_FLIGHT) return;
    if (helper.plan !== job) {
      job.inputs ??= job.imageRun.planInputs();
      helper.port.postMessage({ type: 'plan', key: job.key, request: job.request, ...job.inputs });
      helper.plan = job;
    }
    const [start, end] = job.queue.shift();
    helper.ranges.push({ job, start, end });
    helper.port.postMessage({ type: 'range', key: job.key, start, end });
  }

  /** One range to each helper that takes one, then a second: no helper holds two while another idles. */
  function deal() {
    try {
      for (let round = 0; round < IN_FLIGHT; round++) {
        for (const helper of helpers) if (helper.ranges.length <= round) give(helper);
      }
    } catch (error) {
      // The plan's inputs could not be made or sent (memory): the run fails with why.
      if (job) job.error = error;
    }
  }

  /** A helper's ranges of the current run go back to the queue, for the others or this worker. */
  function takeBack(helper) {
    for (const range of helper.ranges) if (range.job === job) job.queue.unshift([range.start, range.end]);
    helper.ranges = [];
  }

  function onReply(helper, reply) {
    if (reply.type === 'ready') helper.ready = true;
    else {
      // A range taken back is answered all the same: its reply finds nothing here.
      const index = helper.ranges.findIndex((r) => r.job.key === reply.key && r.start === reply.start);
      const [range] = index >= 0 ? helper.ranges.splice(index, 1) : [];
      if (range && range.job === job) {
        let taken = false;
        if (reply.type === 'samples') {
          try {
            job.imageRun.setSamples(range.start, reply.latents);
            taken = true;
          } catch {
            // Samples the run refuses are computed again elsewhere.
          }
        }
        if (taken) {
          job.workers.add(helper);
          job.progress();
        } else {
          // The helper could not (its plan or range was refused, or its answer): not for this run.
          helper.failed = job;
          helper.ranges.push(range);
          takeBack(helper);
        }
      }
    }
    deal();
    job?.wake();
  }

  /** The range the image worker takes back from a helper: the last handed out, the least likely started. */
  function reclaim(patient) {
    const holders = helpers.filter((h) => h.ranges.some((r) => r.job === job));
    const holder = holders.find((h) => h.ranges.length >= IN_FLIGHT) ?? (patient ? null : holders[0]);
    if (!holder) return null;
    const index = holder.ranges.findLastIndex((r) => r.job === job);
    const [range] = holder.ranges.splice(index, 1);
    return [range.start, range.end];
  }

  return {
    /** MessagePorts to new helpers (the page makes the workers). */
    add(ports) {
      for (const port of ports) {
        const helper = { port, ready: false, lost: false, failed: null, plan: null, ranges: [] };
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
      job?.wake();
    },
    /** A newer run or a cancel: a waiting share-out looks again. */
    wake: () => job?.wake(),
    /**
     * Runs every sample of `imageRun` in ranges of at most `chunk` samples (a multiple of four),
     * here and on the helpers; `progress()` after each range. Resolves to how many workers
     * computed samples, or to 0 when `superseded()` says a newer run took over.
     */
    async share(imageRun, { request, chunk, progress, superseded }) {
      // A superseded run never takes the pool from the newer one.
      if (superseded()) return 0;
      const samples = imageRun.samples;
      // No more ranges than workers would leave one idle: at least a range each where possible.
      const ready = helpers.filter((h) => h.ready && !h.lost).length;
      const size = Math.min(chunk, Math.ceil(samples / (ready + 1) / 4) * 4);
      const queue = [];
      for (let start = 0; start < samples; start += size) queue.push([start, Math.min(samples, start + size)]);
      let waiting = null;
      const mine = {
        key: ++keys,
        imageRun,
        request,
        inputs: null,
        queue,
        workers: new Set(),
        progress,
        error: null,
        wake: () => {
          waiting?.();
          waiting = null;
        },
      };
      job?.wake();
      job = mine;
      let here = false;
      let slowest = 25; // ms: the image worker's slowest range so far, at least
      try {
        // This worker's first range is its own, taken before any is dealt.
        const first = queue.shift();
        deal();
        let range = first;
        while (imageRun.done < samples) {
          if (mine.error) throw mine.error;
          range ??= queue.shift() ?? reclaim(true);
          if (range) {
            const startedAt = performance.now();
            imageRun.runCpuRange(range[0], range[1]);
            slowest = Math.max(slowest, performance.now() - startedAt);
            here = true;
            range = null;
            progress();
            deal();
            await yieldToMessages();
          } else {
            // Every range left is with a helper: wait for a reply, or reclaim one past patience.
            const replied = await new Promise((resolve) => {
              waiting = () => resolve(true);
              setTimeout(() => resolve(false), PATIENCE * slowest);
            });
            waiting = null;
            if (!replied && imageRun.done < samples && !superseded()) range = reclaim(false);
          }
          if (superseded()) return 0;
        }
        return (here ? 1 : 0) + mine.workers.size;
      } finally {
        if (job === mine) job = null;
        for (const helper of helpers) {
          if (helper.plan === mine) {
            helper.port.postMessage({ type: 'done' });
            helper.plan = null;
          }
        }
      }
    },
  };
}

/** A helper's side: it rebuilds each plan it is sent and runs the ranges it is asked for. */
export function serveRanges(port, loaded, RangeRunner) {
  let runner = null;
  let key = null;
  port.onmessage = ({ data }) => {
    if (data.type === 'plan' || data.type === 'done') {
      runner?.free();
      runner = null;
    }
    if (data.type === 'plan') {
      key = data.key;
      try {
        runner = new RangeRunner(data.request, data.variances, data.training);
      } catch {
        // No runner: this plan's ranges are answered 'failed' and run elsewhere.
      }
    } else if (data.type === 'range') {
      const { start, end } = data;
      try {
        if (!runner || data.key !== key) throw new Error('no plan for this range');
        const latents = runner.run(start, end);
        port.postMessage({ type: 'samples', key: data.key, start, latents }, [latents.buffer]);
      } catch {
        port.postMessage({ type: 'failed', key: data.key, start });
      }
    }
  };
  loaded().then(() => port.postMessage({ type: 'ready' }), () => {});
}
