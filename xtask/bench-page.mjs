// `cargo xtask bench`, its browser part: www/bench.html (the API timed in the page) in headless
// Chromium, its figures printed; then the images panel's CPU path on one worker against one worker
// a core. A benchmark, not a test (the e2e tests check the page produces these figures).
import { emulateCores, launchChromium } from '../tests/e2e/browser.mjs';

const [url] = process.argv.slice(2);
// The empirical score on the digits at d = 64, run on the CPU (engine=cpu) in the images panel.
const IMAGES_RUN = '#imgScore=empirical&imgDims=64&imgSteps=50&imgSamples=512&engine=cpu';
const ROUNDS = 3;

/** Coordinate updates per second of the panel's runs, with the page told the machine has `cores`. */
async function panelRate(browser, cores) {
  const context = await browser.newContext();
  if (cores) await emulateCores(context, cores);
  const page = await context.newPage();
  await page.goto(`${new URL('index.html', url).href}${IMAGES_RUN}&imgSeed=1`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
  await page.$eval('#panel-images', (e) => e.scrollIntoView());
  const rates = [];
  // The first run loads the module and the helpers: not counted.
  for (let run = 1; run <= ROUNDS + 1; run++) {
    if (run > 1) await page.fill('#imgSeed', String(run));
    await page.waitForFunction((run) => Number(document.body.dataset.imagesReady) >= run, run, { timeout: 600000 });
    const [part] = (await page.evaluate(() => window.ldmExplorer.images())).parts;
    if (run > 1) rates.push({ rate: part.updates / part.seconds, workers: part.workers });
  }
  await context.close();
  return rates;
}

const browser = await launchChromium({ webgpu: true });
try {
  const page = await browser.newPage();
  await page.goto(new URL('bench.html', url).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 600000 });
  const results = await page.evaluate(() => window.benchmark);
  const adapter = await page.$eval('#adapter', (e) => e.textContent);
  console.table(Object.entries(results).map(([figure, value]) => ({ figure, value: +value.toFixed(2) })));
  console.log(`Chromium ${browser.version()}. ${adapter}`);
  await page.close();
  // Alternated, so that the machine's load falls on both alike.
  const rows = [];
  for (let round = 0; round < 2; round++) {
    for (const cores of [1, 0]) {
      for (const { rate, workers } of await panelRate(browser, cores)) rows.push({ workers, 'updates/s': rate });
    }
  }
  console.log(`The images panel on the CPU (${IMAGES_RUN}), one worker against one a core (${rows.at(-1).workers} here):`);
  console.table(rows.map((row) => ({ ...row, 'updates/s': +row['updates/s'].toExponential(2) })));
  const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
  const rateOf = (many) => median(rows.filter((row) => (row.workers > 1) === many).map((row) => row['updates/s']));
  console.log(`ratio, shared / one worker: ${(rateOf(true) / rateOf(false)).toFixed(2)}`);
} finally {
  await browser.close();
}
