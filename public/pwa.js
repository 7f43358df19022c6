// Registers Baedal's service worker (served by the server at /sw.js with this build's file
// names), which keeps the bundle for the next visit and shows the offline page without a
// connection. Plain script, so it works before and without the WebAssembly.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error) => {
      console.warn('Baedal works without offline support here:', error);
    });
  });
}

// A button marked `data-reload` reloads the page. The crash banner uses it: when the WebAssembly
// has failed there is no Rust left to run a click handler, and the page's security policy allows
// no inline handlers.
document.addEventListener('click', (event) => {
  if (event.target instanceof Element && event.target.closest('[data-reload]')) {
    location.reload();
  }
});
