import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { open, person } from './helpers';

const STORE = '서울숲 24시 김밥';
const OWNER = 'owner.halmae@baedal.test';
const RIDER = 'rider.dohyun@baedal.test';

/** Signs a new person up from the sign-up page and returns their email. */
async function signUp(page: Page, name: string, password: string): Promise<string> {
  await open(page, '/signup');
  const email = `leaving.${Date.now()}@example.com`;
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('I am 14 or older').check();
  await page.getByLabel('I agree to the terms of service').check();
  await page.getByLabel('I agree to the collection and use of my personal information').check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/$/);
  return email;
}

test('a customer changes her password, logs out everywhere, orders, and leaves for good once it is delivered', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const email = await signUp(page, '이수아', 'seongsu river walk');

  // A second browser of hers: the laptop.
  const laptopContext = await browser.newContext();
  const laptop = await laptopContext.newPage();
  await open(laptop, '/login');
  await laptop.getByLabel('Email', { exact: true }).fill(email);
  await laptop.getByLabel('Password', { exact: true }).fill('seongsu river walk');
  await laptop.getByRole('button', { name: 'Log in', exact: true }).click();
  await expect(laptop).toHaveURL(/\/$/);

  await open(page, '/account');
  const sessions = page.getByTestId('session');
  await expect(sessions).toHaveCount(2);
  await expect(sessions.first()).toContainText('This browser');
  await expect(sessions.first()).toContainText('Chrome · Linux');

  // The password change asks the current one, and logs the laptop out.
  const password = page.getByRole('region', { name: 'Password', exact: true });
  await password.getByLabel('Current password').fill('not my password');
  await password.getByLabel('New password').fill('persimmons in the autumn sun');
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(password.getByRole('alert')).toHaveText('That is not your current password.');
  await password.getByLabel('Current password').fill('seongsu river walk');
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(password.getByRole('status')).toHaveText(
    'Your password is changed. Other browsers logged out: 1.',
  );
  await expect(sessions).toHaveCount(1);
  await laptop.reload();
  await expect(laptop.getByRole('navigation', { name: 'Account' })).toContainText('Log in');
  await laptopContext.close();

  // KakaoTalk messages can be turned off and on again.
  await expect(page.getByTestId('kakao-messages')).toHaveText('KakaoTalk messages about your orders: on.');
  await page.getByRole('button', { name: 'Turn off' }).click();
  await expect(page.getByTestId('kakao-messages')).toContainText('off');
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByTestId('kakao-messages')).toContainText(': on.');

  // An address, found by search from the account page, then removed and added again.
  await expect(page.getByText('No saved addresses yet.')).toBeVisible();
  await page.getByText('Add an address').click();
  await page.getByLabel('Street, building or place').fill('트리마제');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('list', { name: 'Matches' }).getByRole('button', { name: /트리마제/ }).click();
  await page.getByLabel('Building, floor and flat (동/호)').fill('101동 1203호');
  await page.getByLabel('Name').fill('Home');
  await page.getByRole('button', { name: 'Save address' }).click();
  const addresses = page.locator('.saved-addresses li');
  await expect(addresses).toHaveCount(1);
  await expect(addresses.first()).toContainText('Home · 서울 성동구 왕십리로 16');
  await page.screenshot({ path: 'artifacts/account.png', fullPage: true });

  // She orders, and cannot leave while the order is under way.
  await open(page, '/');
  await page.getByRole('link', { name: STORE }).click();
  // Above the store's minimum order.
  await page.getByRole('button', { name: 'Add 제육덮밥 to cart' }).click();
  await expect(page.getByText('Added to your cart.')).toBeVisible();
  await page.getByRole('link', { name: /View cart/ }).click();
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  const heading = await page.getByText(/^Order #[0-9A-F]{8}/).textContent();
  const number = heading!.match(/#([0-9A-F]{8})/)![1];
  await expect(page.getByTestId('order-status')).toHaveText('Paid');

  await open(page, '/account');
  const leaving = page.getByRole('region', { name: 'Leave Baedal' });
  await leaving.getByLabel('Current password').fill('persimmons in the autumn sun');
  await leaving.getByLabel('I understand that my account is erased for good.').check();
  await leaving.getByRole('button', { name: 'Leave Baedal for good' }).click();
  await expect(leaving.getByRole('alert')).toHaveText(
    'An order of yours is still under way. You can leave once it is delivered or cancelled.',
  );

  const owner = await person(browser, OWNER, /\/store$/);
  const card = owner.locator(`.kitchen-card[data-order="${number}"]`);
  await card.getByRole('button', { name: 'Accept' }).click();
  await card.getByRole('button', { name: 'Start cooking' }).click();
  await card.getByRole('button', { name: 'Food is ready' }).click();
  const rider = await person(browser, RIDER, /\/rider$/);
  await rider.locator(`.delivery[data-order="${number}"]`).getByRole('button', { name: 'Claim' }).click();
  const mine = rider.getByRole('list', { name: 'My active deliveries' }).locator(`[data-order="${number}"]`);
  await mine.getByRole('button', { name: 'Picked up' }).click();
  await mine.getByRole('button', { name: 'Delivered' }).click();
  await owner.context().close();
  await rider.context().close();

  // Delivered: now she may leave, and the account is gone.
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await leaving.getByLabel('Current password').fill('persimmons in the autumn sun');
  await leaving.getByLabel('I understand that my account is erased for good.').check();
  await leaving.getByRole('button', { name: 'Leave Baedal for good' }).click();
  await expect(page).toHaveURL(/\/goodbye$/);
  await expect(page.getByRole('heading', { name: 'Your account is gone' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Account' })).toContainText('Log in');

  await open(page, '/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill('persimmons in the autumn sun');
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'That email and password do not match an account. Check both and try again.',
  );
  await context.close();
});
