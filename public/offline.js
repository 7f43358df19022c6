// The offline page: shows the reader's language, counts the rider's taps still on the phone,
// and opens the page that was asked for again once the connection is back.
import { count } from '/outbox.js';

// The language switch's cookie (leptos_i18n's), else the browser's first language.
const chosen = document.cookie.match(/(?:^|;\s*)i18n_pref_locale=(\w+)/)?.[1];
const korean = (chosen ?? navigator.languages?.[0] ?? navigator.language ?? '').toLowerCase().startsWith('ko');
const shown = korean ? 'ko' : 'en';
document.documentElement.lang = shown;
for (const section of document.querySelectorAll('main > section[lang]')) {
  section.hidden = section.lang !== shown;
}

count()
  .then((waiting) => {
    for (const note of document.querySelectorAll('[data-outbox-count]')) {
      note.querySelector('[data-count]').textContent = String(waiting);
      note.hidden = waiting === 0;
    }
  })
  .catch(() => {});

// The `online` event may have fired before this script ran, and a phone can be "online" with
// nothing getting through; so ask the server itself (`/sw.js` is small, and the worker lets it
// through to the network), and open the page again only once it answers.
async function serverAnswers() {
  try {
    return (await fetch('/sw.js', { method: 'HEAD', cache: 'no-store' })).ok;
  } catch {
    return false;
  }
}
async function openAgain() {
  if (await serverAnswers()) location.reload();
}
window.addEventListener('online', openAgain);
setInterval(() => navigator.onLine && openAgain(), 3000);
openAgain();
for (const button of document.querySelectorAll('[data-retry]')) button.addEventListener('click', () => location.reload());
