// Loads the wasm-bindgen glue and starts the Tafel client.
// A separate file (not an inline script) so a strict CSP without 'unsafe-inline' works.
// `cargo xtask build-client` rewrites both paths to the content-hashed names in dist.
// The wasm URL is passed explicitly: the glue is built without a default one, since a
// default would name the unhashed file.
import init from '/tafel-client.js';

init({ module_or_path: '/tafel-client_bg.wasm' }).then((wasm) => {
  // The client's memory, for the client benchmark's bytes per element.
  window.tafelMemory = wasm.memory;
}).catch((err) => {
  console.error('Tafel failed to start', err);
  document.body.textContent = 'Tafel failed to start: ' + err;
});

// Keeps the app shell for reloads while offline (see sw.js). Browsers allow
// workers on https and on localhost only.
if ('serviceWorker' in navigator && window.isSecureContext) {
  navigator.serviceWorker.register('/sw.js').catch((err) => console.warn('no offline shell', err));
}
