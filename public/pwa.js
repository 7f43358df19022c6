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
