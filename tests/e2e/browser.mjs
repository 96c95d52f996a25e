// What the end-to-end tests share: Debian's Chromium, launched the one way they all need (browser
// downloads do not work here), the wait for a panel drawn up to date, and the embeddable panels.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** Every panel an embed can show (`?embed=<panel>`), as the page's markup marks them. */
export const EMBEDDABLE = [...readFileSync(new URL('../../www/index.html', import.meta.url), 'utf8')
  .matchAll(/data-panel="([^"]+)" data-embeddable/g)].map((match) => match[1]);
// A loop over no embeds would pass: a change to the markup's attributes must change this reader too.
if (EMBEDDABLE.length < 2) throw new Error(`browser.mjs found ${EMBEDDABLE.length} embeddable panels in www/index.html`);

const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** WebGPU on SwiftShader (a GPU emulated on the CPU). */
const WEBGPU = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader'];

/** Chromium without a GPU, or with SwiftShader's WebGPU (`{webgpu: true}`). */
export function launchChromium({ webgpu = false } = {}) {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: [...ARGS, ...(webgpu ? WEBGPU : ['--disable-gpu'])] });
}

/** Tells the pages of a browser context that the machine has `cores` cores (the images panel starts a helper worker a spare core). */
export function emulateCores(context, cores) {
  return context.addInitScript((cores) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => cores }), cores);
}

// The page draws a panel's canvas only when it comes near the window (panels.js): before reading
// a canvas, a test brings it into view and waits until the last change has reached it.

/** Scrolls the canvas of `selector` into view and waits until its panel is drawn up to date. */
export async function whenDrawn(page, selector) {
  await page.evaluate((selector) => document.querySelector(selector)?.scrollIntoView({ block: 'center' }), selector);
  await page.waitForFunction((selector) => {
    const canvas = document.querySelector(selector);
    const panel = canvas?.dataset.panel ?? canvas?.dataset.cursorFor;
    return !panel || !window.ldmExplorer?.stale || !window.ldmExplorer.stale(panel);
  }, selector, { timeout: 10000 });
}

/** Brings every panel's canvas into view in turn (a full-page screenshot shows them all drawn). */
export async function drawEveryPanel(page) {
  const panels = await page.$$eval('canvas.plot[data-panel]', (all) => all.filter((c) => c.offsetParent !== null).map((c) => c.dataset.panel));
  for (const panel of panels) await whenDrawn(page, `canvas[data-panel="${panel}"]`);
  await page.evaluate(() => window.scrollTo(0, 0));
}
