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

test('a new customer proves a phone with the code the demo KakaoTalk shows, and gets back in with another', async ({
  page,
}) => {
  await open(page, '/signup');
  const email = `phone.${Date.now()}@example.com`;
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Name', { exact: true }).fill('박하늘');
  await page.getByLabel('Password', { exact: true }).fill('seongsu river walk');
  await page.getByLabel('I am 14 or older').check();
  await page.getByLabel('I agree to the terms of service').check();
  await page.getByLabel('I agree to the collection and use of my personal information').check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/$/);

  // The name in the header leads to the account, which has no phone and says what that means.
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: /박하늘/ }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('phone-standing')).toContainText('No phone yet');

  const digits = `010${String(Date.now()).slice(-8)}`;
  const shown = `${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}`;
  await page.getByLabel('Mobile number').fill(digits);
  await page.getByRole('button', { name: 'Send code by KakaoTalk' }).click();
  // The header's live dot is a status too: the sentence is the one that names the number.
  await expect(page.getByRole('status').filter({ hasText: 'We sent' })).toHaveText(
    `We sent a 6-digit code by KakaoTalk to ${shown}. It works for 5 minutes.`,
  );

  // The demo's KakaoTalk shows what the phone received.
  await page.getByRole('link', { name: "Demo: read it in the demo's KakaoTalk" }).click();
  await expect(page).toHaveURL(new RegExp(`/demo/kakao\\?phone=${digits}$`));
  const message = page.getByRole('list', { name: 'KakaoTalk messages' }).getByRole('listitem').first();
  await expect(message).toContainText('인증번호');
  const code = /\[(\d{6})\]/.exec((await message.textContent()) ?? '')?.[1];
  expect(code).toMatch(/^\d{6}$/);

  await page.goBack();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  const wrong = code!.replace(/\d/g, (d) => (d === '1' ? '2' : '1'));
  await page.getByLabel('Code', { exact: true }).fill(wrong);
  await page.getByRole('button', { name: 'Prove number' }).click();
  await expect(page.getByRole('alert')).toHaveText('That code is not right. 4 tries left.');
  await page.getByLabel('Code', { exact: true }).fill(code!);
  await page.getByRole('button', { name: 'Prove number' }).click();
  await expect(page.getByTestId('phone-standing')).toContainText(`${shown} · Proven`);
  await page.screenshot({ path: 'artifacts/account-phone.png', fullPage: true });

  // The password is forgotten: the login page leads to a code on the proven phone.
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page).toHaveURL(/\/forgot$/);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Send code by KakaoTalk' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'If ' })).toHaveText(
    `If ${email} has an account with a proven phone, a code is on its way to that phone by KakaoTalk. It works for 5 minutes.`,
  );

  // The phone's KakaoTalk, in a tab of its own: the reset code arrives after the proof's.
  const kakao = await page.context().newPage();
  const codes = kakao.getByRole('list', { name: 'KakaoTalk messages' }).getByRole('listitem');
  await expect(async () => {
    await open(kakao, `/demo/kakao?phone=${digits}`);
    await expect(codes).toHaveCount(2, { timeout: 1_000 });
  }).toPass();
  const resetCode = /\[(\d{6})\]/.exec((await codes.first().textContent()) ?? '')?.[1];
  expect(resetCode).toMatch(/^\d{6}$/);
  await kakao.close();

  await page.getByLabel('Code', { exact: true }).fill(resetCode!);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/reset\?token=[0-9a-f]{64}$/);
  await page.getByLabel('New password').fill('cherry blossoms by the han');
  await page.screenshot({ path: 'artifacts/reset-password.png', fullPage: true });
  await page.getByRole('button', { name: 'Set password and log in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('navigation', { name: 'Account' })).toContainText('박하늘');
});
