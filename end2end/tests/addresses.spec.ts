import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { geocoderURL, logIn, person, placeOrder, switchSimulator } from './helpers';

// One geocoding simulator serves the whole run, and one test takes it down: these run in turn.
test.describe.configure({ mode: 'serial' });

const STORE = '서울숲 24시 김밥';
const OWNER = 'owner.halmae@baedal.test';
const RIDER = 'rider.dohyun@baedal.test';

/** Opens the address finder on the customer home. */
async function openFinder(customer: Page) {
  await customer.getByText('Add an address').click();
  await expect(customer.getByLabel('Street, building or place')).toBeVisible();
}

/** Adds the unit, the note and a name on the confirmation step, and saves. */
async function saveAs(customer: Page, name: string, unit: string, note: string) {
  await customer.getByLabel('Building, floor and flat (동/호)').fill(unit);
  await customer.getByLabel('Note for the rider').fill(note);
  await customer.getByLabel('Name').fill(name);
  await customer.getByRole('button', { name: 'Save address' }).click();
  await expect(customer.getByText('Address saved.')).toBeVisible();
}

test('a customer adds an address by typing a building, orders to it, and the rider reads it', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const customer = await person(browser, 'seoyeon@baedal.test', /\/$/);
  await openFinder(customer);
  await customer.getByLabel('Street, building or place').fill('트리마제');
  await customer.getByRole('button', { name: 'Search', exact: true }).click();
  const matches = customer.getByRole('list', { name: 'Matches' });
  await expect(matches.getByRole('button')).toHaveCount(1);
  await expect(matches).toContainText('서울 성동구 왕십리로 16');
  await expect(matches).toContainText('Lot number: 서울 성동구 성수동1가 72-1');
  await customer.screenshot({ path: 'artifacts/address-matches.png', fullPage: true });
  await matches.getByRole('button', { name: /트리마제/ }).click();

  await expect(customer.getByRole('heading', { name: 'Deliver here?' })).toBeVisible();
  await expect(customer.getByTestId('place-reach')).toContainText(/Stores that deliver here: \d+\./);
  await expect(customer.getByText(/latitude|longitude/i)).toHaveCount(0);
  await saveAs(customer, 'Parents', '101동 1203호', 'Leave it with the guard');
  const chosen = customer.getByLabel('Deliver to');
  await expect(chosen.locator('option:checked')).toHaveText(
    'Parents · 서울 성동구 왕십리로 16 (트리마제), 101동 1203호',
  );

  // A reload keeps the address, and the cart keeps it chosen.
  await customer.reload();
  await expect(customer.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(chosen.locator('option:checked')).toHaveText(/^Parents · /);

  await customer.getByRole('link', { name: STORE }).click();
  await customer.getByRole('button', { name: 'Add 제육덮밥 to cart' }).click();
  await customer.getByRole('link', { name: /View cart/ }).click();
  const number = await placeOrder(customer);

  const owner = await person(browser, OWNER, /\/store$/);
  const card = owner.locator(`.kitchen-card[data-order="${number}"]`);
  await expect(card.getByTestId('kitchen-address')).toHaveText(
    '서울 성동구 왕십리로 16 (트리마제), 101동 1203호',
  );
  await expect(card.getByTestId('kitchen-note')).toHaveText('Leave it with the guard');
  await card.getByRole('button', { name: 'Accept' }).click();
  await card.getByRole('button', { name: 'Start cooking' }).click();
  await card.getByRole('button', { name: 'Food is ready' }).click();

  const rider = await person(browser, RIDER, /\/rider$/);
  await rider.locator(`.delivery[data-order="${number}"]`).getByRole('button', { name: 'Claim' }).click();
  const mine = rider.getByRole('list', { name: 'My active deliveries' });
  const delivery = mine.locator(`[data-order="${number}"]`);
  await expect(delivery.getByTestId('dropoff-address')).toHaveText(
    '서울 성동구 왕십리로 16 (트리마제), 101동 1203호',
  );
  await expect(delivery.getByTestId('rider-note')).toHaveText('Leave it with the guard');
  await rider.screenshot({ path: 'artifacts/rider-sees-unit-and-note.png', fullPage: true });
});

test('"use my location" fills the address where the phone is, measured against the cart\'s store', async ({
  browser,
}) => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    geolocation: { latitude: 37.5474, longitude: 127.0474 },
    permissions: ['geolocation'],
  });
  const customer = await context.newPage();
  await logIn(customer, 'minji@baedal.test');
  await expect(customer).toHaveURL(/\/$/);
  await expect(customer.locator('body')).toHaveAttribute('data-hydrated', 'true');
  // With a dish in the cart, the confirmation measures the point against that store.
  await customer.getByRole('link', { name: STORE }).click();
  await customer.getByRole('button', { name: 'Add 제육덮밥 to cart' }).click();
  await expect(customer.getByText('Added to your cart.')).toBeVisible();
  await customer.goto('/');
  await expect(customer.locator('body')).toHaveAttribute('data-hydrated', 'true');

  await openFinder(customer);
  await customer.getByRole('button', { name: 'Use my location' }).click();
  await expect(customer.getByRole('heading', { name: 'Deliver here?' })).toBeVisible();
  await expect(customer.locator('.confirm-place')).toContainText('뚝섬역');
  await expect(customer.locator('.confirm-place')).toContainText('서울 성동구 아차산로 18');
  await expect(customer.getByTestId('place-reach')).toHaveText(
    /^\d+ m from 서울숲 24시 김밥, inside its delivery area\.$/,
  );
  await customer.screenshot({ path: 'artifacts/address-confirm.png', fullPage: true });
  await saveAs(customer, 'Station', '2번 출구', '');
  await expect(customer.getByLabel('Deliver to').locator('option:checked')).toHaveText(
    'Station · 서울 성동구 아차산로 18 (뚝섬역), 2번 출구',
  );
  await context.close();
});

test('with address search down the page says so, and saved addresses still work', async ({ browser }) => {
  const customer = await person(browser, 'junho@baedal.test', /\/$/);
  await switchSimulator(geocoderURL, { failing: true });
  try {
    await openFinder(customer);
    await customer.getByLabel('Street, building or place').fill('성수이로');
    await customer.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(customer.getByRole('alert')).toHaveText(
      'Address search is not answering. Use your location or try again in a moment.',
    );
    // The saved address still finds its stores, and a dish still goes into the cart.
    await expect(customer.getByLabel('Deliver to').locator('option:checked')).toContainText('왕십리로 83-21');
    await expect(customer.getByRole('list', { name: 'Open stores' }).getByRole('listitem').first()).toBeVisible();
  } finally {
    await switchSimulator(geocoderURL, {});
  }
});
