// Loaded from the package as a CDN would serve it: pacto serve mounts the package at /pacto-wasm/.
import '/pacto-wasm/widget/index.mjs';

const log = document.getElementById('events');
let count = 0;
document.addEventListener('pacto-validated', (event) => {
  count += 1;
  const widget = event.target.id || 'widget';
  log.textContent = `Events: ${count} validations; last from #${widget}: ${event.detail.valid ? 'valid' : 'invalid'}.`;
});
document.addEventListener('pacto-error', (event) => {
  log.textContent = `Events: #${event.target.id || 'widget'} could not load: ${event.detail.message}`;
});
