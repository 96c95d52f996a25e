// `cargo xtask bench`, its browser part: www/bench.html (the API timed in the page) in headless
// Chromium, its figures printed. A benchmark, not a test (the e2e test checks the page produces them).
import { launchChromium } from '../tests/e2e/browser.mjs';

const [url] = process.argv.slice(2);
const browser = await launchChromium({ webgpu: true });
try {
  const page = await browser.newPage();
  await page.goto(new URL('bench.html', url).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 600000 });
  const results = await page.evaluate(() => window.benchmark);
  const adapter = await page.$eval('#adapter', (e) => e.textContent);
  console.table(Object.entries(results).map(([figure, value]) => ({ figure, value: +value.toFixed(2) })));
  console.log(`Chromium ${browser.version()}. ${adapter}`);
} finally {
  await browser.close();
}
