import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { person } from './helpers';

// The browser bundle is split by screen (app/src/routes.rs): a page fetches the main bundle and
// the chunks of the screen it shows, and another role's screens arrive only when visited.

type SplitManifest = Record<string, string[]>;

/** The running build's split manifest (each lazy screen and its chunks), found the way the
 * service worker finds the build's files: on the first line of `/sw.js`. */
async function splitManifest(page: Page): Promise<SplitManifest> {
  const worker = await (await page.request.get('/sw.js')).text();
  const build = JSON.parse(worker.split('\n')[0].replace(/^const BUILD = /, '').replace(/;$/, ''));
  const url = build.precache.find((file: string) => file.includes('__wasm_split_manifest'));
  expect(url, 'the build names its split manifest').toBeTruthy();
  return (await page.request.get(url)).json();
}

/** The chunk files of one screen, e.g. `kitchen` for `routes::Kitchen`. */
function chunksOf(manifest: SplitManifest, screen: string): string[] {
  const key = Object.keys(manifest).find((name) => name.startsWith(`__${screen}_view_`));
  expect(key, `a split for ${screen}`).toBeTruthy();
  return manifest[key!].map((chunk) => `${chunk}.wasm`);
}

/** The chunk files this page has fetched so far. */
async function fetchedChunks(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => entry.name.split('/').pop()!)
      .filter((file) => /^(chunk|split)_.*\.wasm$/.test(file)),
  );
}

test("the customer's home fetches its own code and, in the background, a menu's; nobody else's", async ({
  browser,
}) => {
  const customer = await person(browser, 'minji@baedal.test', /\/$/);
  const manifest = await splitManifest(customer);
  const menu = chunksOf(manifest, 'store_menu');
  const kitchen = chunksOf(manifest, 'kitchen');
  const operator = chunksOf(manifest, 'ops');
  expect(menu.length).toBeGreaterThan(0);

  // Opened fresh, as from the home screen of the phone.
  await customer.reload();
  await expect(customer.locator('body')).toHaveAttribute('data-hydrated', 'true');
  // The menu is what a customer opens next: its chunks come once the home is live.
  await expect.poll(() => fetchedChunks(customer)).toEqual(expect.arrayContaining(menu));
  const fetched = await fetchedChunks(customer);
  expect(fetched.filter((chunk) => !menu.includes(chunk))).toEqual([]);
  expect(fetched.filter((chunk) => kitchen.includes(chunk) && !menu.includes(chunk))).toEqual([]);
  expect(fetched.filter((chunk) => operator.includes(chunk) && !menu.includes(chunk))).toEqual([]);

  // Tapping a store shows its menu from the chunks already here, none fetched again.
  await customer.getByRole('link', { name: '서울숲 24시 김밥' }).click();
  await expect(customer).toHaveURL(/\/stores\//);
  await expect(customer.getByRole('heading', { name: '서울숲 24시 김밥' })).toBeVisible();
  const after = await fetchedChunks(customer);
  expect(menu.filter((chunk) => after.filter((file) => file === chunk).length !== 1)).toEqual([]);
});

test("the owner's kitchen, opened fresh, hydrates with its chunks", async ({ browser }) => {
  const owner = await person(browser, 'owner.halmae@baedal.test', /\/store$/);
  const kitchen = chunksOf(await splitManifest(owner), 'kitchen');
  await owner.reload();
  await expect(owner.locator('body')).toHaveAttribute('data-hydrated', 'true');
  expect(await fetchedChunks(owner)).toEqual(expect.arrayContaining(kitchen));
  // Its live link is open: the WebAssembly runs the page.
  await expect(owner.getByTestId('live-state')).toHaveClass('live-dot live');
});
