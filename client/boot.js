// Loads the wasm-bindgen glue and starts the Tafel client.
// A separate file (not an inline script) so a strict CSP without 'unsafe-inline' works.
import init from '/tafel-client.js';

init().catch((err) => {
  console.error('Tafel failed to start', err);
  document.body.textContent = 'Tafel failed to start: ' + err;
});
