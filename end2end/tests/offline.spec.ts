import { APIRequestContext, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { person } from './helpers';

// Without a connection the page's socket and server calls fail on purpose; the browser logs
// those, and nothing else may appear.
test.use({
  allowedProblem:
    /ERR_INTERNET_DISCONNECTED|WebSocket connection to '[^']+' failed|net::ERR_FAILED/,
});

const STORE = '성수 돼지국밥 24시';
const OWNER = 'owner.ttukseom@baedal.test';
const RIDER = 'rider.yuna@baedal.test';
const CUSTOMER = 'junho@baedal.test';

/** Calls a server function with the page's own session, as its form would. */
async function call(request: APIRequestContext, endpoint: string, form: Record<string, string>) {
  const response = await request.post(`/api/${endpoint}`, { form });
  expect(response.ok(), `${endpoint}: ${await response.text()}`).toBeTruthy();
  return response.json();
}

async function serviceWorkerControls(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 15_000 });
}

test('Chromium can install the app, and a reload without a connection shows the offline page', async ({
  page,
  context,
}) => {
  await page.goto('/');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await serviceWorkerControls(page);

  const cdp = await context.newCDPSession(page);
  const { errors } = await cdp.send('Page.getAppManifest');
  expect(errors).toEqual([]);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  // Playwright's contexts are incognito windows, where Chromium installs nothing; every other
  // criterion (manifest, icons, a worker that answers offline) must hold.
  const errorIds = installabilityErrors.map((e: { errorId: string }) => e.errorId);
  expect(errorIds.filter((id: string) => id !== 'in-incognito')).toEqual([]);
  const manifest = await (await page.request.get('/manifest.webmanifest')).json();
  const sizes = manifest.icons.filter((i: { type: string }) => i.type === 'image/png').map((i: { sizes: string }) => i.sizes);
  expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(manifest.icons.some((i: { purpose?: string }) => i.purpose === 'maskable')).toBeTruthy();

  // The bundle's files carry their content's hash and may be kept for good.
  const wasm = await page.evaluate(
    () => performance.getEntriesByType('resource').map((e) => e.name).find((n) => n.endsWith('.wasm'))!,
  );
  expect(wasm).toMatch(/\/pkg\/baedal\.[\w-]{22}\.wasm$/);
  const head = await page.request.get(wasm);
  expect(head.headers()['cache-control']).toContain('immutable');
  expect(head.headers()['content-type']).toBe('application/wasm');

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('offline-page')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'You are offline' })).toBeVisible();
  await expect(page.getByText('your cart stays on this phone')).toBeVisible();

  // Back online, the page opens again by itself, live.
  await context.setOffline(false);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByTestId('offline-page')).toHaveCount(0);
});

test('a rider taps picked up and delivered in a dead zone; after a reload and the way back online the customer sees both, once each', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const customer = await person(browser, CUSTOMER, /\/$/);
  const owner = await person(browser, OWNER, /\/store$/);
  const rider = await person(browser, RIDER, /\/rider$/);

  await customer.getByRole('link', { name: STORE }).click();
  await customer.getByRole('button', { name: 'Add 순대국밥 to cart' }).click();
  await customer.getByRole('link', { name: /View cart/ }).click();
  await customer.getByRole('button', { name: 'Place order' }).click();
  await expect(customer).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  const orderId = customer.url().split('/').pop()!;
  const status = customer.getByTestId('order-status');
  await expect(status).toHaveText('Paid');

  // The kitchen's part and the claim, through the same server functions their screens use.
  await call(owner.request, 'accept_order', { order_id: orderId, prep_minutes: '10' });
  await call(owner.request, 'start_cook', { order_id: orderId });
  await call(owner.request, 'finish_cook', { order_id: orderId });
  await call(rider.request, 'set_position', { lat: '37.5430', lng: '127.0570' });
  await call(rider.request, 'set_duty', { on_duty: 'true' });
  await expect
    .poll(async () => (await call(rider.request, 'open_deliveries', {})).map((d: { order_id: string }) => d.order_id))
    .toContain(orderId);
  await call(rider.request, 'claim_delivery', { order_id: orderId });
  await expect(status).toHaveText('Rider assigned');

  await rider.reload();
  await expect(rider.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await serviceWorkerControls(rider);
  const mine = rider.getByRole('list', { name: 'My active deliveries' });
  const card = mine.locator('.delivery').filter({ hasText: STORE });
  await expect(card.getByTestId('delivery-status')).toHaveText('Go to the store');

  // The first tap reaches the server, but its answer is lost on the way back (a lift door).
  let answersLost = 0;
  await rider.route('**/api/pick_up', async (route) => {
    await route.fetch();
    answersLost += 1;
    await route.abort('internetdisconnected');
  });
  await card.getByRole('button', { name: 'Picked up' }).click();
  await expect(card.getByTestId('delivery-status')).toHaveText('On the way');
  await expect(card.getByTestId('delivery-waiting')).toHaveText('waiting to send');
  await expect.poll(() => answersLost).toBe(1);
  await rider.unroute('**/api/pick_up');

  // Then no connection at all: the next tap stays on the phone.
  await rider.context().setOffline(true);
  await card.getByRole('button', { name: 'Delivered' }).click();
  await expect(card.getByTestId('delivery-status')).toHaveText('Handed over');
  await expect(rider.getByTestId('outbox')).toContainText('Waiting to send (2)');
  await expect(status).toHaveText('Picked up');

  // The rider reloads in the dead zone: the offline page counts the taps kept on the phone.
  await rider.reload();
  await expect(rider.getByTestId('offline-page')).toBeVisible();
  await expect(rider.locator('section[lang="en"] [data-outbox-count]')).toHaveText('2 waiting to send');

  // Back online, the screen opens again and sends both taps in order. The first one's key
  // was already answered, so the server gives that answer again instead of refusing it.
  await rider.context().setOffline(false);
  await expect(rider.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(status).toHaveText('Delivered');
  await expect(rider.getByTestId('outbox')).toHaveCount(0);
  await expect(rider.getByRole('alert')).toHaveCount(0);
  await expect(mine.locator('.delivery').filter({ hasText: STORE }).getByTestId('delivery-status')).toHaveText(
    'Handed over',
  );

  const order = await call(customer.request, 'order_status', { order_id: orderId });
  const events = order.timeline.map((step: { event: string }) => step.event);
  expect(events.filter((e: string) => e === 'Picked')).toHaveLength(1);
  expect(events.filter((e: string) => e === 'Delivered')).toHaveLength(1);
  expect(answersLost).toBe(1);
});
