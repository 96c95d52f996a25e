// The first page: Figure 4 (left) drawn by the wasm core.
import init, { stoppingCurves, plotStoppingCurves } from './pkg/ldm_explorer.js';

export const FIGURE_4_LEFT = {
  variances: [1, 0.6, 0.36, 0.216, 0.1296, 0.07776, 0.046656, 1e-10, 1e-10],
  T: 2,
  points: 600,
  schedule: 'ou',
};

const status = document.getElementById('status');
const canvas = document.getElementById('curves');
const dark = window.matchMedia('(prefers-color-scheme: dark)');

function draw() {
  // Draw at device resolution; the plot scales its text with the pixel ratio.
  const scale = window.devicePixelRatio || 1;
  canvas.width = Math.round(canvas.clientWidth * scale);
  canvas.height = Math.round(canvas.clientHeight * scale);
  plotStoppingCurves(canvas, FIGURE_4_LEFT, { theme: dark.matches ? 'dark' : 'light', scale });
}

function showSwitchTimes(result) {
  const table = document.getElementById('switch-times');
  const header = table.insertRow();
  const values = table.insertRow();
  header.insertCell().textContent = 'd';
  values.insertCell().textContent = 't_d';
  result.switchTimes.forEach((t, i) => {
    if (i === 0 || i === result.switchTimes.length - 1) return;
    header.insertCell().textContent = String(i + 1);
    values.insertCell().textContent = t.toFixed(3);
  });
}

try {
  await init();
  showSwitchTimes(stoppingCurves(FIGURE_4_LEFT));
  draw();
  status.textContent = 'Exact closed form (THEORY.md §2), drawn by the Rust core compiled to WebAssembly.';
  window.addEventListener('resize', draw);
  dark.addEventListener('change', draw);
  document.body.dataset.ready = 'true';
} catch (error) {
  status.textContent = `Could not draw: ${error.message}`;
  status.classList.add('error');
  throw error;
}
