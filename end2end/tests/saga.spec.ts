import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import * as fs from 'node:fs';
import { person, providerURL, switchSimulator } from './helpers';

// Riders and the kitchen are shared between these tests, so they run one after another.
test.describe.configure({ mode: 'serial' });

const STORE = '서울숲 24시 김밥';
const OWNER = 'owner.halmae@baedal.test';
const RIDER = 'rider.jiwoo@baedal.test';
const OTHER_RIDER = 'rider.hyunwoo@baedal.test';

/** Reloads `page` as a person would (a fresh load from the server) and waits until it is live. */
async function reload(page: Page) {
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** Orders one 제육덮밥 as `customer` and returns the order number shown on the tracking page. */
async function placeOrder(customer: Page): Promise<string> {
  await customer.getByRole('link', { name: STORE }).click();
  await customer.getByRole('button', { name: 'Add 제육덮밥 to cart' }).click();
  await expect(customer.getByText('Added to your cart.')).toBeVisible();
  await customer.getByRole('link', { name: /View cart/ }).click();
  await expect(customer.getByTestId('cart-total')).toHaveText('₩11,000');
  await customer.getByRole('button', { name: 'Place order' }).click();
  await expect(customer).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  const heading = await customer.getByText(/^Order #[0-9A-F]{8}/).textContent();
  const number = heading?.match(/#([0-9A-F]{8})/)?.[1];
  expect(number).toBeTruthy();
  return number!;
}

/** The owner accepts, cooks and finishes order `number`, so that riders are offered it. */
async function cook(owner: Page, number: string) {
  const card = owner.locator(`.kitchen-card[data-order="${number}"]`);
  await card.getByRole('button', { name: 'Accept' }).click();
  await card.getByRole('button', { name: 'Start cooking' }).click();
  await card.getByRole('button', { name: 'Food is ready' }).click();
}

/** Where `number` stands on the owner's board: the column or the day's list that holds it. */
function onBoard(owner: Page, column: string, number: string) {
  return owner.locator(`[data-column="${column}"] [data-order="${number}"]`);
}

/** How long `change` takes to show after `click`, in milliseconds. */
async function timed(click: () => Promise<void>, change: () => Promise<void>): Promise<number> {
  const started = Date.now();
  await click();
  await change();
  return Date.now() - started;
}

const latencies: { step: string; ms: number }[] = [];

test.afterAll(() => {
  if (latencies.length === 0) return;
  const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  fs.mkdirSync('artifacts', { recursive: true });
  fs.writeFileSync(
    'artifacts/live-latency.json',
    JSON.stringify({ median_ms: median, steps: latencies }, null, 2),
  );
  console.log(`click-to-other-screen latency: median ${median} ms over ${sorted.length} steps`);
});

test('the whole saga plays live across customer, owner and rider screens', async ({ browser }) => {
  test.setTimeout(120_000);
  const customer = await person(browser, 'minji@baedal.test', /\/$/);
  const owner = await person(browser, OWNER, /\/store$/);
  const rider = await person(browser, RIDER, /\/rider$/);
  await owner.getByRole('button', { name: 'Turn on order sound' }).click();
  // Other tests may have left a new order in this kitchen, which rings at once.
  await expect(
    owner.getByText(/^(Sound is on: new orders ring\.|New order! Ringing until you accept or reject it\.)$/),
  ).toBeVisible();

  const number = await placeOrder(customer);
  const status = customer.getByTestId('order-status');
  await expect(status).toHaveText('Paid');
  await expect(customer.getByTestId('cart-count')).toHaveCount(0);

  // The order rings in the owner's "New" column without a reload.
  const card = owner.locator(`.kitchen-card[data-order="${number}"]`);
  const newColumn = owner.locator('[data-column="New"]');
  await expect(newColumn.locator(`[data-order="${number}"]`)).toBeVisible();
  await expect(owner.getByText('New order! Ringing until you accept or reject it.')).toBeVisible();
  await expect(card.getByRole('timer')).toContainText(/Accept within \d:\d\d/);
  await owner.screenshot({ path: 'artifacts/owner-board.png', fullPage: true });

  // The owner's tablet restarts with the order ringing: the board comes back as it was, alive.
  await reload(owner);
  await expect(newColumn.locator(`[data-order="${number}"]`)).toBeVisible();
  await expect(owner.getByText('New order waiting. Turn the sound on to hear the next ones.')).toBeVisible();
  await owner.getByRole('button', { name: 'Turn on order sound' }).click();
  await expect(owner.getByText('New order! Ringing until you accept or reject it.')).toBeVisible();

  latencies.push({
    step: 'accept → customer',
    ms: await timed(
      () => card.getByRole('button', { name: 'Accept' }).click(),
      () => expect(status).toHaveText('Accepted'),
    ),
  });
  await expect(customer.getByText(/ready by \d\d:\d\d/)).toBeVisible();
  await expect(customer.getByRole('button', { name: 'Cancel order' })).toBeVisible();
  await expect(onBoard(owner, 'Accepted', number)).toBeVisible();
  await expect(onBoard(owner, 'New', number)).toHaveCount(0);

  // The customer reloads their tracking page mid-saga; the next step still arrives live.
  await reload(customer);
  await expect(status).toHaveText('Accepted');
  await expect(customer.getByText(/ready by \d\d:\d\d/)).toBeVisible();

  // The customer starts to cancel while the owner starts cooking: the form goes, with a sentence
  // that says why, instead of vanishing with what they typed.
  await customer.getByRole('button', { name: 'Cancel order' }).click();
  await customer.getByLabel('Why are you cancelling?').fill('Changed my mind');
  latencies.push({
    step: 'start cooking → customer',
    ms: await timed(
      () => card.getByRole('button', { name: 'Start cooking' }).click(),
      () => expect(status).toHaveText('Cooking'),
    ),
  });
  await expect(customer.getByRole('button', { name: 'Cancel the order' })).toHaveCount(0);
  await expect(
    customer.getByText('The store has started cooking, so the order can no longer be cancelled.'),
  ).toBeVisible();
  await expect(customer.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
  await expect(onBoard(owner, 'Cooking', number)).toBeVisible();

  const offer = rider.locator(`.delivery[data-order="${number}"]`);
  latencies.push({
    step: 'food ready → rider list',
    ms: await timed(
      () => card.getByRole('button', { name: 'Food is ready' }).click(),
      () => expect(offer).toBeVisible(),
    ),
  });
  await expect(status).toHaveText('Cooked');
  await expect(onBoard(owner, 'Ready', number)).toContainText('Waiting for a rider');
  await rider.screenshot({ path: 'artifacts/rider-open-deliveries.png', fullPage: true });

  latencies.push({
    step: 'claim → customer',
    ms: await timed(
      () => offer.getByRole('button', { name: 'Claim' }).click(),
      () => expect(status).toHaveText('Rider assigned'),
    ),
  });
  await expect(owner.locator(`[data-column="Ready"] [data-order="${number}"]`)).toContainText(
    'A rider is on the way',
  );
  const mine = rider.getByRole('list', { name: 'My active deliveries' });
  await expect(mine).toContainText('서울 성동구 왕십리로 50');
  await expect(mine).toContainText('서울 성동구 성수이로 113');

  // The rider reloads with the delivery in hand: it is still theirs and the buttons work.
  await reload(rider);
  await expect(mine).toContainText('서울 성동구 성수이로 113');

  latencies.push({
    step: 'picked up → customer',
    ms: await timed(
      () => mine.getByRole('button', { name: 'Picked up' }).click(),
      () => expect(status).toHaveText('Picked up'),
    ),
  });
  await expect(onBoard(owner, 'Out', number)).toContainText('On its way to the customer');
  latencies.push({
    step: 'delivered → customer',
    ms: await timed(
      () => mine.getByRole('button', { name: 'Delivered' }).click(),
      () => expect(status).toHaveText('Delivered'),
    ),
  });
  // Delivered food leaves the board for the day's list.
  await expect(onBoard(owner, 'Out', number)).toHaveCount(0);
  await expect(onBoard(owner, 'Done', number)).toContainText('Delivered');
  latencies.push({
    step: 'confirm delivery → customer',
    ms: await timed(
      () => mine.getByRole('button', { name: 'Confirm delivery' }).click(),
      () => expect(status).toHaveText('Completed'),
    ),
  });
  await expect(customer.locator('.step.done')).toHaveCount(9);
  await expect(onBoard(owner, 'Done', number)).toContainText('Completed');
  await expect(owner.locator(`.kitchen-card[data-order="${number}"]`)).toHaveCount(0);
  // And so it stays after a reload.
  await reload(owner);
  await expect(onBoard(owner, 'Done', number)).toContainText('Completed');
  await expect(owner.locator(`.kitchen-card[data-order="${number}"]`)).toHaveCount(0);
  await owner.screenshot({ path: 'artifacts/owner-done-today.png', fullPage: true });
  await expect(customer.getByTestId('unread-count')).toBeVisible();
  await expect(rider.getByText('No delivery in hand.')).toBeVisible();
  await customer.screenshot({ path: 'artifacts/customer-tracking.png', fullPage: true });
  await rider.screenshot({ path: 'artifacts/rider-home-after.png', fullPage: true });
});

test('the customer cancels before cooking and is refunded; the owner sees it go', async ({
  browser,
}) => {
  const customer = await person(browser, 'seoyeon@baedal.test', /\/$/);
  const owner = await person(browser, OWNER, /\/store$/);
  const number = await placeOrder(customer);
  await expect(customer.getByTestId('order-status')).toHaveText('Paid');
  await expect(owner.locator(`[data-column="New"] [data-order="${number}"]`)).toBeVisible();

  await customer.getByRole('button', { name: 'Cancel order' }).click();
  await customer.getByLabel('Why are you cancelling?').fill('Ordered from the wrong store');
  await customer.getByRole('button', { name: 'Cancel the order' }).click();
  await expect(customer.getByTestId('order-status')).toHaveText('Cancelled');
  await expect(customer.getByText('Reason: Ordered from the wrong store')).toBeVisible();
  await expect(customer.getByText('₩11,000 has been refunded.')).toBeVisible();
  await expect(owner.locator(`.kitchen-card[data-order="${number}"]`)).toHaveCount(0);
  await expect(onBoard(owner, 'Done', number)).toContainText(
    'Cancelled: Ordered from the wrong store',
  );
});

test('the owner rejects with a reason and the customer sees it live', async ({ browser }) => {
  const customer = await person(browser, 'junho@baedal.test', /\/$/);
  const owner = await person(browser, OWNER, /\/store$/);
  const number = await placeOrder(customer);
  const card = owner.locator(`[data-column="New"] [data-order="${number}"]`);
  await expect(card).toBeVisible();
  await card.getByText('Reject', { exact: true }).click();
  await card.getByLabel('Reason for the customer').fill('Out of pork today');
  await card.getByRole('button', { name: 'Reject order' }).click();
  await expect(customer.getByTestId('order-status')).toHaveText('Rejected');
  await expect(customer.getByText('Reason: Out of pork today')).toBeVisible();
  await expect(customer.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
  await expect(card).toHaveCount(0);
  await expect(onBoard(owner, 'Done', number)).toContainText('Rejected: Out of pork today');
});

test('once the time to accept has passed, the kitchen is offered only to reject', async ({ browser }) => {
  const customer = await person(browser, 'minji@baedal.test', /\/$/);
  const owner = await person(browser, OWNER, /\/store$/);
  // The owner's browser runs ahead of the server: its screen follows its own clock, as a
  // kitchen tablet left open would, while the server's acceptance window is still open.
  await owner.clock.install();
  await reload(owner);
  const number = await placeOrder(customer);
  const card = onBoard(owner, 'New', number);
  await expect(card.getByRole('timer')).toContainText('Accept within');
  await expect(card.getByRole('button', { name: 'Accept' })).toBeVisible();

  await owner.clock.fastForward('05:01');
  await expect(card.getByRole('timer')).toHaveText(
    'The time to accept has passed: the order expires and the customer is refunded.',
  );
  await expect(card.getByRole('button', { name: 'Accept' })).toHaveCount(0);
  await card.getByText('Reject', { exact: true }).click();
  await card.getByLabel('Reason for the customer').fill('Too busy to cook it in time');
  await card.getByRole('button', { name: 'Reject order' }).click();
  await expect(customer.getByTestId('order-status')).toHaveText('Rejected');
});

test('a failed delivery leaves the road and shows on the kitchen board with its reason', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const customer = await person(browser, 'junho@baedal.test', /\/$/);
  const owner = await person(browser, OWNER, /\/store$/);
  const rider = await person(browser, RIDER, /\/rider$/);
  const number = await placeOrder(customer);
  await cook(owner, number);
  const offer = rider.locator(`.delivery[data-order="${number}"]`);
  await offer.getByRole('button', { name: 'Claim' }).click();
  const mine = rider.getByRole('list', { name: 'My active deliveries' });
  // A delivery fails on the road: before the pick-up the server would refuse the report.
  await expect(mine.getByRole('button', { name: 'Picked up' })).toBeVisible();
  await expect(mine.getByText('Report a problem')).toHaveCount(0);
  await mine.getByRole('button', { name: 'Picked up' }).click();
  await expect(onBoard(owner, 'Out', number)).toBeVisible();

  await mine.getByText('Report a problem').click();
  await mine.getByLabel('What happened?').fill('Nobody at the door');
  await mine.getByRole('button', { name: 'Report failed delivery' }).click();
  await expect(customer.getByTestId('order-status')).toHaveText('Delivery failed');
  await expect(onBoard(owner, 'Out', number)).toHaveCount(0);
  await expect(onBoard(owner, 'Done', number)).toContainText('Delivery failed: Nobody at the door');
  await reload(owner);
  await expect(onBoard(owner, 'Done', number)).toContainText('Delivery failed: Nobody at the door');
});

test('with the payment provider overloaded, the order waits to pay and is paid once it recovers', async ({
  browser,
}) => {
  const customer = await person(browser, 'seoyeon@baedal.test', /\/$/);
  const owner = await person(browser, OWNER, /\/store$/);
  const switchProvider = (switches: object) => switchSimulator(providerURL, switches);
  await switchProvider({ overloaded: true });
  try {
    const number = await placeOrder(customer);
    await expect(customer.getByTestId('order-status')).toHaveText('Payment delayed');
    await expect(customer.getByTestId('pay-later')).toContainText('Payment is busy');
    await expect(customer.getByRole('button', { name: 'Pay now' })).toBeVisible();
    await customer.screenshot({ path: 'artifacts/customer-pay-later.png', fullPage: true });
    // The store hears of the order only once it is paid.
    const card = owner.locator(`[data-column="New"] [data-order="${number}"]`);
    await expect(card).toHaveCount(0);

    await switchProvider({});
    // The payment job retries with backoff; the screens move by themselves.
    await expect(customer.getByTestId('order-status')).toHaveText('Paid', { timeout: 25_000 });
    await expect(customer.getByTestId('pay-later')).toHaveCount(0);
    await expect(card).toBeVisible();
    const orderId = customer.url().split('/').pop();
    const ledger = await (await fetch(`${providerURL}/ledger`)).json();
    const approvals = ledger.approvals.filter((a: { order_id: string }) => a.order_id === orderId);
    expect(approvals).toHaveLength(1);

    await card.getByText('Reject', { exact: true }).click();
    await card.getByLabel('Reason for the customer').fill('Closing early');
    await card.getByRole('button', { name: 'Reject order' }).click();
    await expect(customer.getByTestId('order-status')).toHaveText('Rejected');
  } finally {
    await switchProvider({});
  }
});

test('two riders race for one delivery: one wins, the other sees it vanish', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const customer = await person(browser, 'minji@baedal.test', /\/$/);
  const owner = await person(browser, OWNER, /\/store$/);
  const first = await person(browser, RIDER, /\/rider$/);
  const second = await person(browser, OTHER_RIDER, /\/rider$/);
  if ((await second.getByTestId('duty-state').textContent()) === 'Off duty') {
    await second.getByRole('button', { name: 'Go on duty' }).click();
    await expect(second.getByTestId('duty-state')).toHaveText('On duty');
  }
  const number = await placeOrder(customer);
  await cook(owner, number);

  const offerToFirst = first.locator(`.delivery[data-order="${number}"]`);
  const offerToSecond = second.locator(`.delivery[data-order="${number}"]`);
  await expect(offerToFirst).toBeVisible();
  await expect(offerToSecond).toBeVisible();
  // Both press Claim at once. The loser's button may already be gone when their click lands (the
  // list re-read live), or their claim reaches the server second and is refused.
  const clicks = await Promise.allSettled([
    offerToFirst.getByRole('button', { name: 'Claim' }).click({ timeout: 5_000 }),
    offerToSecond.getByRole('button', { name: 'Claim' }).click({ timeout: 5_000 }),
  ]);
  expect(clicks.some((click) => click.status === 'fulfilled')).toBe(true);
  // Exactly one of them holds it; for the other it is gone.
  const held = async (page: Page) =>
    page.getByRole('list', { name: 'My active deliveries' }).locator(`[data-order="${number}"]`);
  await expect
    .poll(async () => (await (await held(first)).count()) + (await (await held(second)).count()))
    .toBe(1);
  await expect(first.getByRole('list', { name: 'Open deliveries' }).locator(`[data-order="${number}"]`)).toHaveCount(0);
  await expect(second.getByRole('list', { name: 'Open deliveries' }).locator(`[data-order="${number}"]`)).toHaveCount(0);
  await expect(customer.getByTestId('order-status')).toHaveText('Rider assigned');

  // The winner finishes the delivery, so both riders are free again.
  const winner = (await (await held(first)).count()) === 1 ? first : second;
  const mine = winner.getByRole('list', { name: 'My active deliveries' });
  await mine.getByRole('button', { name: 'Picked up' }).click();
  await mine.getByRole('button', { name: 'Delivered' }).click();
  await mine.getByRole('button', { name: 'Confirm delivery' }).click();
  await expect(customer.getByTestId('order-status')).toHaveText('Completed');
});
