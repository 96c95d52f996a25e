// What the images panel draws from a run's parts: the grid of samples at a frame (each beside its
// nearest training image under the empirical score), one sample's trajectory, the pixel-space
// curves (drawn by the image module as SVG) and the readout.
import { format } from './format.js';

export const GRID = 8; // sample rows shown
const CELL = 44; // CSS pixels a picture
const GAP = 6;
const LABEL = 18;

const $ = (id) => document.getElementById(id);

/** The recorded frame nearest to the cursor. */
export function frameAtCursor(t, cursor) {
  let best = 0;
  for (let f = 1; f < t.length; f++) if (Math.abs(t[f] - cursor) < Math.abs(t[best] - cursor)) best = f;
  return best;
}

let scratch = null; // one small canvas for every picture
function paint(context, info, intensities, offset, x, y) {
  const { width: w, height: h } = info;
  scratch ??= new OffscreenCanvas(1, 1);
  scratch.width = w;
  scratch.height = h;
  const image = new ImageData(w, h);
  for (let p = 0; p < w * h; p++) {
    const v = Math.round(Math.min(Math.max(intensities[offset + p], 0), 1) * 255);
    image.data.set([v, v, v, 255], 4 * p);
  }
  scratch.getContext('2d').putImageData(image, 0, 0);
  context.imageSmoothingEnabled = false;
  const scale = CELL / Math.max(w, h);
  context.drawImage(scratch, x, y, w * scale, h * scale);
}

function prepare(canvas, width, height) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  const context = canvas.getContext('2d');
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  const styles = getComputedStyle(document.documentElement);
  context.fillStyle = styles.getPropertyValue('--panel').trim() || '#fff';
  context.fillRect(0, 0, width, height);
  context.fillStyle = styles.getPropertyValue('--fg').trim() || '#000';
  context.font = '12px sans-serif';
  return context;
}

/** The samples of every d at a frame, `rows` of them, each beside its nearest training image
 * under the empirical score. */
export function drawGrid(parts, info, frame, rows) {
  const empirical = parts[0].summary.score === 'empirical';
  const per = empirical ? 2 : 1;
  const pixels = info.width * info.height;
  const width = parts.length * per * (CELL + GAP) + parts.length * GAP;
  const context = prepare($('canvas-image-grid'), width, LABEL + rows * (CELL + GAP));
  parts.forEach((part, i) => {
    const x0 = i * (per * (CELL + GAP) + GAP);
    context.fillText(empirical ? `d = ${part.d} · nearest` : `d = ${part.d}`, x0, 13);
    for (let r = 0; r < rows; r++) {
      const y = LABEL + r * (CELL + GAP);
      const slot = frame * rows + r;
      paint(context, info, part.pixels, slot * pixels, x0, y);
      if (empirical) paint(context, info, part.nearestImages, slot * pixels, x0 + CELL + GAP, y);
    }
  });
}

/** Grid row `row` (0-based) of every d over all frames. */
export function drawStrip(parts, info, row, rows) {
  const frames = parts[0].summary.t.length;
  const pixels = info.width * info.height;
  const context = prepare($('canvas-image-strip'), 48 + frames * (CELL / 2 + 2), parts.length * (CELL / 2 + 4) + 4);
  parts.forEach((part, i) => {
    const y = 2 + i * (CELL / 2 + 4);
    context.fillText(`d = ${part.d}`, 0, y + CELL / 4 + 4);
    for (let f = 0; f < frames; f++) {
      context.save();
      context.translate(48 + f * (CELL / 2 + 2), y);
      context.scale(0.5, 0.5);
      if (row < rows) paint(context, info, part.pixels, (f * rows + row) * pixels, 0, 0);
      context.restore();
    }
  });
}

/** The distances the curves can show: the Fréchet distance (exact lines, simulated dots) and two
 *  sample-based ones, simulated only and measured against held-out images only. */
const METRICS = {
  frechet: { name: 'Fréchet distance²', y: 'pixel dF² (log scale)', values: (s) => s.empiricalFd2, exact: true },
  'sliced-w2': { name: 'sliced Wasserstein distance² (64 directions)', y: 'sliced W₂² (log scale, simulated)', values: (s) => s.slicedW2 },
  mmd: { name: 'MMD² (Gaussian kernel, median width)', y: 'MMD² (log scale, simulated)', values: (s) => s.mmd2 },
};

/** The image module's request for the curves of every d, in one of the METRICS. */
export function curveRequest(parts, width, height, theme, cursor, metric = 'frechet') {
  const { heldOut, score } = parts[0].summary;
  // The sample-based distances need the held-out images; on the training images, the Fréchet one.
  const chosen = heldOut ? METRICS[metric] : METRICS.frechet;
  const against = heldOut ? `${heldOut} held-out images` : 'the training images';
  const note = !heldOut && metric !== 'frechet' ? ' (sliced W₂ and MMD: against held-out images only)' : '';
  return {
    series: parts.map(({ d, summary }) => ({
      d,
      lawT: chosen.exact ? summary.lawT : [],
      lawFd2: chosen.exact ? summary.lawFd2 : [],
      t: summary.t,
      empiricalFd2: chosen.values(summary),
    })),
    title: `Pixel-space ${chosen.name} to ${against} (${score} score)${note}`,
    yLabel: chosen.y,
    width,
    height,
    theme,
    cursor,
  };
}

/** How a d is named: the pixel-space model when it keeps every pixel. */
const named = (d, pixels) => (d === pixels ? `d = ${d} (pixel space)` : `d = ${d}`);

/** Each d's best stop and its gain over running to T: the latent-versus-pixel contrast of Figure 1. */
export function bestStops(parts, pixels) {
  return parts.map(({ d, summary: s }) => {
    const how = s.stopExact ? 'exact' : 'simulated';
    return s.stopGain > 0
      ? `${named(d, pixels)} stops best at t = ${s.stopT.toPrecision(4)}, ${format(100 * s.stopGain)}% below its distance at T (${how})`
      : `${named(d, pixels)} runs best to T (${how})`;
  });
}

/** The readout at a frame, each d's best stop, and the memorisation test at t = T. */
export function summarise(parts, frame, pixels) {
  const lines = parts.map(({ d, summary }) => {
    const exact = format(summary.lawAtFrames[frame]);
    return `${named(d, pixels)}: simulated dF² ${format(summary.empiricalFd2[frame])} (exact for the Gaussian score: ${exact})`;
  });
  const last = parts[parts.length - 1].summary;
  const memory = `At t = T (d = ${last.d}), the samples' median RMS pixel distance to the nearest training image is
    ${format(last.sampleNearestMedian)}; training images lie ${format(last.trainingNearestMedian)} from their nearest other one
    (all through the same ${last.d} components)${last.sampleNearestMedian < 0.5 * last.trainingNearestMedian ? ': the samples are copies of training images' : ''}.`;
  $('images-summary').textContent = `At the cursor: ${lines.join('; ')}. Best stops: ${bestStops(parts, pixels).join('; ')}. ${memory}`;
}

/** The runs' curves as CSV: one row per d and frame. */
export function curvesCsv(parts) {
  const rows = ['d,score,t,simulated_fd2,exact_gaussian_fd2,measured_against,simulated_sliced_w2,simulated_mmd2'];
  for (const { d, summary } of parts) {
    summary.t.forEach((t, f) => {
      const against = summary.heldOut ? 'held-out' : 'training';
      rows.push([d, summary.score, t, summary.empiricalFd2[f], summary.lawAtFrames[f], against, summary.slicedW2[f] ?? '', summary.mmd2[f] ?? ''].join(','));
    });
  }
  return `${rows.join('\n')}\n`;
}
