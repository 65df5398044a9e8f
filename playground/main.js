// Starts the playground: loads the wasm module (Leptos mounts the app into <body>).
// An external module, not an inline script: the page is served with a CSP that allows only
// same-origin scripts and wasm compilation.
import init from './pacto-playground.js';

try {
  await init();
  document.getElementById('loading')?.remove();
} catch (error) {
  const loading = document.getElementById('loading');
  if (loading) loading.textContent = `The playground could not start: ${error?.message ?? error}`;
  throw error;
}
