// The image worker's helpers: more workers of its own script, one a spare core (at most seven),
// which run ranges of a CPU run's samples (workers/share.js). The page makes them, as a worker
// opened from the single file cannot make one of its own script (a data: URL cannot hold
// itself), and hands the image worker a MessagePort to each.
const MOST_HELPERS = 7;

/** Starts the helpers when `imageWorker` (made from `url`) first asks; returns what stops them. */
export function helpersOf(url, imageWorker) {
  let stop = () => {};
  imageWorker.addEventListener('message', ({ data }) => {
    if (data.type === 'helpers-wanted') stop = startHelpers(url, imageWorker);
  });
  return () => stop();
}

function startHelpers(url, imageWorker) {
  const count = Math.max(0, Math.min(MOST_HELPERS, (navigator.hardwareConcurrency || 1) - 1));
  const channels = Array.from({ length: count }, () => new MessageChannel());
  const helpers = channels.map((channel, index) => {
    const helper = new Worker(url, { type: 'module' });
    helper.postMessage({ type: 'helper', port: channel.port2 }, [channel.port2]);
    // A helper that fails (its module did not load, say) is dropped; the image worker takes back
    // its ranges.
    helper.addEventListener('error', (event) => {
      event.preventDefault();
      helper.terminate();
      imageWorker.postMessage({ type: 'helper-lost', index });
    });
    return helper;
  });
  const ports = channels.map((channel) => channel.port1);
  imageWorker.postMessage({ type: 'helpers', ports }, ports);
  return () => helpers.forEach((helper) => helper.terminate());
}
