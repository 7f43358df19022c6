import { test, expect } from './fixtures';
import { open } from './helpers';

const STORE = '서울숲 24시 김밥';

test('a new person fills a cart, signs up from the checkout and is back at the cart, logged in', async ({
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await open(page, '/');
  await page.getByRole('link', { name: STORE }).click();
  await page.getByRole('button', { name: 'Add 원조김밥 to cart' }).click();
  await expect(page.getByText('Added to your cart.')).toBeVisible();
  await page.getByRole('link', { name: /View cart/ }).click();
  await expect(page).toHaveURL(/\/cart$/);

  // Nobody is logged in: the checkout offers both ways in.
  await expect(page.getByRole('alert').getByRole('link', { name: 'Log in' })).toHaveAttribute('href', '/login?next=/cart');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page).toHaveURL(/\/signup\?next=\/cart$/);
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');

  const email = `hana.${Date.now()}@example.com`;
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Name', { exact: true }).fill('김하나');
  await page.getByLabel('Password', { exact: true }).fill('password1');
  await page.getByLabel('I am 14 or older').check();
  await page.getByLabel('I agree to the terms of service').check();
  await page.getByLabel('I agree to the collection and use of my personal information').check();
  // The optional consent stays unticked: it never blocks sign-up.
  await expect(page.getByLabel('Send me offers and news (KakaoTalk and email)')).not.toBeChecked();
  await page.screenshot({ path: 'artifacts/sign-up.png', fullPage: true });

  // Long enough for the browser, but the server knows it is a common one.
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toHaveText(/too easy to guess/);
  await expect(page).toHaveURL(/\/signup/);

  await page.getByLabel('Password', { exact: true }).fill('seongsu river walk');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/cart$/);
  await expect(page.getByRole('navigation', { name: 'Account' })).toContainText('김하나');
  // The cart is as it was, and the next step is an address.
  await expect(page.getByText('원조김밥')).toBeVisible();
  await expect(page.getByText('Add a delivery address on the store list first.')).toBeVisible();

  // The account is real: out and in again from the login page, which links to sign-up.
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('link', { name: 'Create an account' })).toHaveAttribute('href', '/signup');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill('seongsu river walk');
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('navigation', { name: 'Account' })).toContainText('김하나');
  await context.close();
});

test('an email that already has an account is told so without saying whose it is', async ({ page }) => {
  await open(page, '/signup');
  await page.getByLabel('Email', { exact: true }).fill('owner.halmae@baedal.test');
  await page.getByLabel('Name', { exact: true }).fill('Someone');
  await page.getByLabel('Password', { exact: true }).fill('seongsu river walk');
  await page.getByLabel('I am 14 or older').check();
  await page.getByLabel('I agree to the terms of service').check();
  await page.getByLabel('I agree to the collection and use of my personal information').check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'This email already has a Baedal account. Log in with it, or sign up with another email.',
  );
  await expect(page.getByRole('navigation', { name: 'Account' })).toContainText('Log in');
});
