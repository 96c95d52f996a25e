// Lighthouse on the built site, desktop and mobile (`cargo xtask audit` serves dist/site and runs
// this): each report is kept in target/lighthouse/, and a JSON summary of the four category scores
// and the page-load metrics is printed, the figures README records. A benchmark, not a test: the
// scores depend on the machine's load.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [url, cli, outDir] = process.argv.slice(2);
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index', 'interactive'];

mkdirSync(outDir, { recursive: true });
const summary = {};
for (const preset of ['desktop', 'mobile']) {
  const report = path.join(outDir, `${preset}.json`);
  const args = [
    cli, url, '--quiet', '--output=json', `--output-path=${report}`, `--only-categories=${CATEGORIES.join(',')}`,
    '--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run',
    ...(preset === 'desktop' ? ['--preset=desktop'] : []),
  ];
  execFileSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH ?? '/usr/bin/chromium' } });
  const result = JSON.parse(readFileSync(report, 'utf8'));
  summary[preset] = {
    scores: Object.fromEntries(CATEGORIES.map((c) => [c, Math.round(100 * result.categories[c].score)])),
    metrics: Object.fromEntries(METRICS.map((m) => [m, result.audits[m].displayValue])),
    failing: Object.values(result.audits)
      .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode === 'binary')
      .map((a) => a.id),
  };
}
const { version } = JSON.parse(readFileSync(path.join(path.dirname(path.dirname(cli)), 'package.json'), 'utf8'));
console.log(JSON.stringify({ lighthouse: version, ...summary }, null, 1));
