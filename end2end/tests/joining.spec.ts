import { test, expect } from './fixtures';
import {
  createOperator,
  decide,
  DEMO,
  kakaoMessages,
  newApplicant,
  newPhone,
  open,
  person,
  pickTrimage,
  placeOrder,
} from './helpers';

test('a new rider applies, is approved by an operator and goes on duty', async ({ browser }) => {
  test.setTimeout(120_000);
  const email = `rider.${Date.now()}@example.com`;
  const digits = newPhone();
  const { page, kakao } = await newApplicant(browser, '/rider/apply', email, digits);

  await page.getByLabel('Motorbike').check();
  await pickTrimage(page);
  await expect(page.getByTestId('picked-place')).toHaveText('서울 성동구 왕십리로 16');
  await expect(page.getByText('While you are on duty, your phone sends its position')).toBeVisible();
  await page.getByLabel('I agree that my position is sent while I am on duty').check();
  await page.screenshot({ path: 'artifacts/rider-apply.png', fullPage: true });
  await page.getByRole('button', { name: 'Send application' }).click();
  await expect(page.getByTestId('application-status')).toHaveText('Waiting for review');
  // Not approved yet: the rider's page says so instead of a duty switch.
  await open(page, '/rider');
  await expect(page.getByText('You can ride once an operator has approved your application.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Go on duty' })).toHaveCount(0);

  const operator = await person(browser, DEMO.operator, /\/ops$/);
  await decide(operator, email, 'Approve');
  await expect(operator.getByTestId('review').filter({ hasText: email })).toHaveCount(0);

  await open(page, '/rider/apply');
  await expect(page.getByTestId('application-status')).toHaveText('Approved');
  await expect(async () => {
    await open(kakao, `/demo/kakao?phone=${digits}`);
    await expect(kakaoMessages(kakao).filter({ hasText: '라이더 신청이 승인됐어요' })).toHaveCount(1, {
      timeout: 1_000,
    });
  }).toPass();
  await page.getByRole('link', { name: 'Start riding' }).click();
  await expect(page).toHaveURL(/\/rider$/);
  await page.getByRole('button', { name: 'Go on duty' }).click();
  await expect(page.getByTestId('duty-state')).toHaveText('On duty');
  await operator.context().close();
});

test('everybody new: an operator from the command line admits a new owner and a new rider, the store goes live, a new customer orders and the new rider delivers', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const stamp = Date.now();
  const phone = { width: 390, height: 844 };

  // The deployment's first operator, from the command line, sets a password by the link.
  const operator = await (await browser.newContext({ viewport: phone })).newPage();
  await open(operator, createOperator(`ops.${stamp}@example.com`, '새 운영자'));
  await operator.getByLabel('New password').fill('the first operator of seongsu');
  await operator.getByRole('button', { name: 'Set password and log in' }).click();
  await expect(operator).toHaveURL(/\/ops$/);

  // A new owner applies; the operator asks for a change, then approves.
  const email = `owner.${stamp}@example.com`;
  const { page } = await newApplicant(browser, '/partner/apply', email, newPhone());
  const storeName = `성수 분식 ${stamp % 100000}`;
  await page.getByLabel('Business name (as registered)').fill('성수 분식 주식회사');
  // One digit typed wrong: the check digit catches it before anyone reviews it.
  await page.getByLabel('Business registration number').fill('220-81-62518');
  await page.getByLabel('Store name (what customers see)').fill('성수분식');
  await page.getByLabel('Kind of food (e.g. 분식, 치킨)').fill('분식');
  await page.getByLabel('Store phone').fill('02-466-1234');
  await pickTrimage(page);
  await expect(page.getByTestId('picked-place')).toHaveText('서울 성동구 왕십리로 16');
  await page.getByRole('button', { name: 'Send application' }).click();
  await expect(page.getByRole('alert')).toContainText('This business registration number does not exist');
  await page.getByLabel('Business registration number').fill('220-81-62517');
  await page.screenshot({ path: 'artifacts/owner-apply.png', fullPage: true });
  await page.getByRole('button', { name: 'Send application' }).click();
  await expect(page.getByTestId('application-status')).toHaveText('Waiting for review');

  await decide(operator, email, 'Ask for changes', '간판에 적힌 가게 이름으로 적어 주세요.');
  await operator.screenshot({ path: 'artifacts/ops-applications.png', fullPage: true });
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByTestId('application-status')).toHaveText('Changes asked');
  await expect(page.getByTestId('reviewer-word')).toContainText('간판에 적힌 가게 이름으로 적어 주세요.');
  // The form keeps what was sent; only the name changes.
  await expect(page.getByLabel('Business registration number')).toHaveValue('220-81-62517');
  await expect(page.getByTestId('picked-place')).toHaveText('서울 성동구 왕십리로 16');
  await page.getByLabel('Store name (what customers see)').fill(storeName);
  await page.getByRole('button', { name: 'Send application' }).click();
  await expect(page.getByTestId('application-status')).toHaveText('Waiting for review');
  await decide(operator, email, 'Approve');

  // The owner builds the store from nothing and takes it live.
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByTestId('application-status')).toHaveText('Approved');
  await page.getByRole('link', { name: 'Set up your store' }).click();
  await expect(page).toHaveURL(/\/store$/);
  const card = page.locator('.store-card', { hasText: storeName });
  await expect(card.getByText('Not live yet')).toBeVisible();
  // Not live: no open/closed switch yet, only the way to set it up.
  await expect(card.getByRole('button', { name: /Start taking orders|Stop taking orders/ })).toBeHidden();
  await card.getByRole('link', { name: 'Set up and go live' }).click();
  await expect(page.getByRole('heading', { name: storeName })).toBeVisible();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  const checklist = page.getByRole('list', { name: 'What the store needs' });
  await expect(checklist.getByRole('listitem')).toHaveText([
    '✓ Address found on the map',
    '✓ Store phone',
    '○ Opening hours · to do',
    '○ At least one dish · to do',
    '○ Delivery terms · to do',
  ]);
  await page.getByRole('button', { name: 'Go live' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'The store cannot go live yet. Still missing: Opening hours, At least one dish, Delivery terms.',
  );
  const terms = page.locator('form.terms');
  await terms.getByLabel('Delivery radius (m)').fill('2500');
  await terms.getByLabel('Minimum order (₩)').fill('12000');
  await terms.getByLabel('Delivery fee (₩)').fill('2000');
  await terms.getByRole('button', { name: 'Save delivery terms' }).click();
  await expect(checklist.getByRole('listitem').nth(4)).toHaveText('✓ Delivery terms');
  for (let weekday = 0; weekday < 7; weekday++) {
    const day = page.locator(`fieldset.day-hours[data-weekday="${weekday}"]`);
    await day.getByLabel('Open', { exact: true }).check();
    await day.getByLabel('Opens').fill('00:00');
    await day.getByLabel('Closes').fill('00:00');
  }
  await page.getByRole('button', { name: 'Save hours' }).click();
  await expect(checklist.getByRole('listitem').nth(2)).toHaveText('✓ Opening hours');
  await page.getByText('Add a dish', { exact: true }).first().click();
  const dish = page.locator('.new-dish');
  await dish.getByLabel('Dish name').fill('국물떡볶이');
  await dish.getByLabel('Menu section').fill('분식');
  await dish.getByLabel('Price (₩)').fill('14000');
  await dish.getByRole('button', { name: 'Add a dish' }).click();
  await expect(checklist.getByRole('listitem').nth(3)).toHaveText('✓ At least one dish');
  // Every item there: the refusal above no longer stands.
  await expect(page.getByRole('alert')).toHaveCount(0);
  await page.screenshot({ path: 'artifacts/store-checklist.png', fullPage: true });
  await page.getByRole('button', { name: 'Go live' }).click();
  await expect(page.getByTestId('store-standing')).toContainText('Live since');

  // A new rider applies and the same operator approves; the rider waits near the store.
  const riderEmail = `rider.${stamp}@example.com`;
  const { page: rider } = await newApplicant(browser, '/rider/apply', riderEmail, newPhone());
  await rider.getByLabel('Bicycle').check();
  await pickTrimage(rider);
  await rider.getByLabel('I agree that my position is sent while I am on duty').check();
  await rider.getByRole('button', { name: 'Send application' }).click();
  await expect(rider.getByTestId('application-status')).toHaveText('Waiting for review');
  await decide(operator, riderEmail, 'Approve');
  await open(rider, '/rider');
  await rider.getByRole('button', { name: 'Go on duty' }).click();
  await expect(rider.getByTestId('duty-state')).toHaveText('On duty');
  // The rider's phone shares where it is: beside 트리마제.
  await rider.context().grantPermissions(['geolocation']);
  await rider.context().setGeolocation({ latitude: 37.5418, longitude: 127.042 });
  await rider.getByRole('button', { name: 'Use my location' }).first().click();
  await expect(rider.getByTestId('rider-position')).not.toContainText('Not known yet');

  // A new customer finds the new store, orders, and the new rider brings it.
  const customer = await (await browser.newContext({ viewport: phone })).newPage();
  await open(customer, '/signup');
  await customer.getByLabel('Email', { exact: true }).fill(`customer.${stamp}@example.com`);
  await customer.getByLabel('Name', { exact: true }).fill('첫 손님');
  await customer.getByLabel('Password', { exact: true }).fill('seongsu river walk');
  await customer.getByLabel('I am 14 or older').check();
  await customer.getByLabel('I agree to the terms of service').check();
  await customer.getByLabel('I agree to the collection and use of my personal information').check();
  await customer.getByRole('button', { name: 'Create account' }).click();
  await expect(customer).toHaveURL(/\/$/);
  await open(customer, '/account');
  await customer.getByText('Add an address').click();
  await pickTrimage(customer);
  await customer.getByLabel('Building, floor and flat (동/호)').fill('101동 1203호');
  await customer.getByLabel('Name').fill('Home');
  await customer.getByRole('button', { name: 'Save address' }).click();
  await expect(customer.locator('.saved-addresses li')).toHaveCount(1);
  await open(customer, '/');
  await customer.getByRole('link', { name: storeName }).click();
  await customer.getByRole('button', { name: 'Add 국물떡볶이 to cart' }).click();
  await customer.getByRole('link', { name: /View cart/ }).click();
  const number = await placeOrder(customer);

  await open(page, '/store');
  const order = page.locator(`.kitchen-card[data-order="${number}"]`);
  await order.getByRole('button', { name: 'Accept' }).click();
  await order.getByRole('button', { name: 'Start cooking' }).click();
  await order.getByRole('button', { name: 'Food is ready' }).click();

  await rider.locator(`.delivery[data-order="${number}"]`).getByRole('button', { name: 'Claim' }).click();
  const mine = rider.getByRole('list', { name: 'My active deliveries' }).locator(`[data-order="${number}"]`);
  await mine.getByRole('button', { name: 'Picked up' }).click();
  await mine.getByRole('button', { name: 'Delivered' }).click();
  await expect(customer.getByTestId('order-status')).toHaveText('Delivered');
  await customer.screenshot({ path: 'artifacts/everybody-new-delivered.png', fullPage: true });
});
