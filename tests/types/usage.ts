// Every export of the three modules called as their declarations say (compiled with tsc --noEmit,
// never run): the .d.ts generated from the Rust types must accept the calls the page and README
// make, and reject the mistakes marked @ts-expect-error (a test of the declarations' strictness:
// tsc fails if such a line compiles cleanly).
import initExplorer, {
  Explorer,
  cappedScore,
  estimateVariances,
  limits,
  names,
  plotSpectrum,
  plotStoppingCurves,
  stoppingCurves,
  stoppingCurvesSvg,
  type AxisFrame,
  type CurvesRequest,
  type ExplorerReadout,
  type ExplorerSummary,
  type Panel,
  type PlotOptions,
  type SamplerRequest,
  type ScheduleName,
  type SeedSummary,
} from '../../www/pkg/ldm_explorer.js';
import initWorker, { CsvUpload, frechet, generalGaussian, monteCarloRun, readNpy, sample, samplerLaw, scatterChunk } from '../../www/pkg/ldm_worker.js';
import initImages, { GpuEngine, ImageLab, imageCurvesSvg, imageLimits, runOnGpu, type RunSummary } from '../../www/pkg/ldm_images.js';

export async function explorerModule(canvas: HTMLCanvasElement): Promise<number> {
  await initExplorer();
  const request: CurvesRequest = { variances: [1, 0.6, 0.36], T: 2, points: 64, schedule: 'ou' };
  const curves = stoppingCurves(request);
  const first: Float64Array = curves.fd2[0];
  const best: Uint32Array = curves.bestDim;
  const verdict: boolean = curves.monotone[0];
  const capped = cappedScore({ variances: [1, 0.5], C: 20, points: 32 });
  const bracket: number[] = [capped.d1, capped.dMin, capped.d2];
  const estimated: Float64Array = estimateVariances({ variances: [1, 0.5], n: 100, seed: 1 });
  plotStoppingCurves(canvas, { variances: estimated }, { theme: 'dark', xAxis: 'logSnr', scale: 2 });
  const svg: string = stoppingCurvesSvg(request, 640, 400, undefined);
  plotSpectrum(canvas, [1, 0.5], { theme: 'light' });
  const { maxDimension, images } = limits();
  const schedules: ScheduleName[] = names().schedules;
  const panels: Panel[] = names().panels.filter((p) => p.timePlot).map((p) => p.name);

  const explorer = new Explorer({ variances: [1, 0.5, 0.1], estimatedVariances: estimated.subarray(0, 3), C: 100, verdictWork: 10 });
  while (!explorer.findVerdicts(100)) if (explorer.verdictsFound() > 3) throw new Error('past D');
  const summary: ExplorerSummary = explorer.summary();
  const found: number = summary.verdictsFound;
  const readout: ExplorerReadout = explorer.readout(summary.T / 2);
  explorer.setCap(50);
  explorer.setSampler('euler-maruyama', 50, true);
  const worker: SamplerRequest = explorer.samplerRequest(explorer.samplerDimension(2));
  const options: PlotOptions = { emphasis: 2, cursor: readout.t };
  const frame: AxisFrame | undefined = explorer.draw('curves', canvas, options);
  const csv: string = explorer.csv('sampler', options) + explorer.svg('scatter', 400, 300, undefined);
  explorer.setScatter([1, 2], [0, 25, 50], [0.1, 0.2], [0, 0, 0.1, 0.2, 0.3, 0.4]);
  explorer.setMonteCarlo(2, [1, 2], [0.3, 0.2, 0.5, 0.4], 100);
  explorer.studySeeds(1000, 50);
  const seedsDone: number = explorer.advanceSeeds(50);
  const seeds: SeedSummary = explorer.seedSummary(seedsDone > 0 ? 2 : 0);
  const shares: Float64Array = seeds.dipShare;
  const zoomed: AxisFrame | undefined = explorer.draw('curves', canvas, { xAxis: 'logSnr', xRange: [-6.5, 7], yRange: [0.002, 15] });
  const time: number = explorer.timeAt(frame?.xMax ?? 0, 'logSnr') + explorer.scatterStep(1);
  explorer.free();

  // @ts-expect-error: a schedule that does not exist
  stoppingCurves({ variances: [1], schedule: 'vp' });
  // @ts-expect-error: variances are required
  stoppingCurves({ T: 2 });
  // @ts-expect-error: a panel that does not exist
  explorer.draw('curve', canvas, undefined);
  // @ts-expect-error: a method that does not exist
  explorer.setSampler('rk4', 10, false);
  // @ts-expect-error: the cap is required
  new Explorer({ variances: [1] });
  return first[0] + best[0] + Number(verdict) + bracket[0] + svg.length + maxDimension + images.maxSide + schedules.length +
    panels.length + worker.d + csv.length + time;
}

export async function workerModule(bytes: Uint8Array): Promise<number> {
  await initWorker();
  const sampler: SamplerRequest = { variances: [0.9, 0.3], d: 2, steps: 50, stopTime: 1.8, method: 'exponential', start: 'standard-normal', score: 'exact' };
  const law = samplerLaw(sampler);
  const drawn = sample({ ...sampler, n: 100, seed: 1 });
  const chunk = scatterChunk({ sampler, seed: 1, first: 0, count: 10, coordinates: [1, 2], frames: 5 });
  const run = monteCarloRun({ sampler, seed: 1, run: 0, n: 10, checkpoints: 3 });
  const distance: number = frechet({ cov1: [2, 1, 1, 2], cov2: [1, 0, 0, 1] });
  const general = generalGaussian({ eigenvalues: [1, 0.5], n: 100, seed: 1, points: 16, dims: [1, 2] });
  const window: Float64Array = general.highProbability.lower;
  const reader = new CsvUpload();
  reader.push('1\n0.5\n');
  const read = reader.finish();
  const kind: 'variances' | 'samples' = readNpy(bytes).kind;
  // @ts-expect-error: a start that does not exist
  samplerLaw({ ...sampler, start: 'zero' });
  return law.fd2[0] + drawn.empiricalFd2 + chunk.steps[0] + run.fd2[0] + distance + general.fd2[0][0] + window[0] +
    read.variances[0] + kind.length;
}

export async function imagesModule(bytes: Uint8Array): Promise<number> {
  await initImages();
  const lab = ImageLab.fromFile(bytes);
  const info = lab.info();
  const plan = lab.plan({ d: 16, score: 'gaussian', steps: 100, samples: 40, seed: 3, frames: 11 });
  plan.runCpu(40);
  const heldOut = lab.holdOut(1000);
  const scaled = heldOut.plan({ d: 16, score: 'gaussian', steps: 100, samples: 40, seed: 3, unitVariance: true });
  scaled.runCpu(40);
  const measured: RunSummary = scaled.summary(heldOut, 8);
  const against: number = measured.heldOut + measured.slicedW2.length + measured.mmd2.length + measured.lawAtFrames.length + heldOut.info().heldOut;
  const summary: RunSummary = plan.summary(lab, 8);
  const grid: Float32Array = plan.grid(lab, 8);
  const engine = await GpuEngine.create();
  const onGpu = await runOnGpu(engine, lab, lab.plan({ d: 4, score: 'empirical', steps: 10, samples: 8, seed: 1 }), 8, () => {});
  const svg = imageCurvesSvg({
    series: [{ d: 16, lawT: summary.lawT, lawFd2: summary.lawFd2, t: summary.t, empiricalFd2: summary.empiricalFd2 }],
    title: 'curves',
    yLabel: 'sliced W₂²',
    width: 640,
    height: 400,
    theme: 'dark',
  });
  // @ts-expect-error: a score that does not exist
  lab.plan({ d: 16, score: 'gauss', steps: 100, samples: 40, seed: 3 });
  return info.count + (info.labels?.[0] ?? 0) + summary.nearest[0] + grid[0] + onGpu.done + svg.length + imageLimits().maxGrid +
    Number(engine.software) + engine.adapter.length;
}
