import { test as base, expect, BrowserContext, ConsoleMessage, Page } from '@playwright/test';

export { expect };

/**
 * Every test of the suite fails when any page it opened (in its own context or in one it made
 * with `browser.newContext()`) threw an uncaught exception, logged an error to the console, or
 * warned about hydration: a page that looks right but whose WebAssembly died passes no test.
 */
export const test = base.extend<{ consoleGuard: void; allowedProblem: RegExp }>({
  // A test that breaks a page on purpose names what it expects to see; by default nothing.
  allowedProblem: [/(?!)/, { option: true }],
  consoleGuard: [
    async ({ browser, context, allowedProblem }, use) => {
      const problems: string[] = [];
      const watchPage = (page: Page) => {
        page.on('pageerror', (error) => problems.push(`uncaught on ${page.url()}: ${error.message}`));
        page.on('console', (message) => {
          if (isProblem(message, page)) problems.push(`console ${message.type()} on ${page.url()}: ${message.text()}`);
        });
      };
      const watchContext = (watched: BrowserContext) => {
        watched.pages().forEach(watchPage);
        watched.on('page', watchPage);
      };
      watchContext(context);
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (options) => {
        const made = await newContext(options);
        watchContext(made);
        return made;
      };
      try {
        await use();
      } finally {
        browser.newContext = newContext;
      }
      const unexpected = problems.filter((problem) => !allowedProblem.test(problem));
      expect(unexpected, 'console errors, hydration warnings and uncaught exceptions').toEqual([]);
    },
    { auto: true },
  ],
});

/**
 * Errors and hydration warnings are problems. The exceptions are the browser's own lines for an
 * answer that is a refusal on purpose: a server function refusing a command (a wrong password, a
 * state conflict, a provider that is down) and the "not found" page's 404. The page shows those
 * as sentences, which the tests check themselves.
 */
function isProblem(message: ConsoleMessage, page: Page): boolean {
  const text = message.text();
  if (message.type() === 'warning') return /hydrat/i.test(text);
  if (message.type() !== 'error') return false;
  const status = text.match(/^Failed to load resource: the server responded with a status of (\d{3})/)?.[1];
  if (!status) return true;
  const url = message.location().url;
  const refusedServerFunction = /^(4\d\d|500|503)$/.test(status) && new URL(url, 'http://x').pathname.startsWith('/api/');
  const pageNotFound = status === '404' && url === page.url();
  return !(refusedServerFunction || pageNotFound);
}
