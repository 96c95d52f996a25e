import { chromium } from 'playwright-core';
import { execSync } from 'node:child_process';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (let round = 0; round < 6; round++) {
  for (const panel of ['curves', 'scatter', 'capped']) {
    const page = await browser.newPage({ viewport: { width: 640, height: 420 } });
    const t0 = Date.now();
    try {
      await page.goto(`http://127.0.0.1:8123/?embed=${panel}#preset=fig4-right`, { timeout: 15000 });
      await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
      if (panel === 'scatter') await page.waitForFunction(() => !window.ldmExplorer.simulating(), null, { timeout: 15000 });
    } catch (e) {
      console.log('FAIL', round, panel, e.message.split('\n')[0]);
      console.log(execSync('curl -s -m 5 -o /dev/null -w "%{http_code} %{time_total}" http://127.0.0.1:8123/main.js || echo curl-failed').toString());
      console.log(execSync('ss -tn state established "( sport = :8123 )" | wc -l').toString());
    }
    console.log(round, panel, Date.now() - t0);
    await page.close();
  }
}
await browser.close();
