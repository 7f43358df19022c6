import { test, expect } from './fixtures';
import { codeAfter, kakaoMessages, open, person, placeOrder } from './helpers';

const STORE = '서울숲 24시 김밥';
const OWNER = 'owner.halmae@baedal.test';
// A rider no other test rides with: a rider carries one delivery at a time.
const RIDER = 'rider.seojun@baedal.test';

test('a new person signs up from the checkout, proves a phone, orders, gets back in with a code and leaves for good once the food is delivered', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  // The phone's KakaoTalk, an app of its own: it shares no cookies with the browser.
  const kakao = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();

  // A cart first, then an account from the checkout, which brings her back to the cart.
  await open(page, '/');
  await page.getByRole('link', { name: STORE }).click();
  // Above the store's minimum order.
  await page.getByRole('button', { name: 'Add 제육덮밥 to cart' }).click();
  await expect(page.getByText('Added to your cart.')).toBeVisible();
  await page.getByRole('link', { name: /View cart/ }).click();
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  const email = `walk.${Date.now()}@example.com`;
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Name', { exact: true }).fill('이수아');
  await page.getByLabel('Password', { exact: true }).fill('seongsu river walk');
  await page.getByLabel('I am 14 or older').check();
  await page.getByLabel('I agree to the terms of service').check();
  await page.getByLabel('I agree to the collection and use of my personal information').check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/cart$/);
  await expect(page.getByText('제육덮밥')).toBeVisible();

  // Her phone, proven with the code KakaoTalk brought.
  await open(page, '/account');
  const digits = `010${String(Date.now()).slice(-8)}`;
  await page.getByLabel('Mobile number').fill(digits);
  await page.getByRole('button', { name: 'Send code by KakaoTalk' }).click();
  const shown = `${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}`;
  // The header's live dot is a status too: the sentence is the one that names the number.
  await expect(page.getByRole('status').filter({ hasText: 'We sent' })).toHaveText(
    `We sent a 6-digit code by KakaoTalk to ${shown}. It works for 5 minutes.`,
  );
  await expect(page.getByRole('link', { name: "Demo: read it in the demo's KakaoTalk" })).toHaveAttribute(
    'href',
    `/demo/kakao?phone=${digits}`,
  );
  const proofCode = await codeAfter(kakao, digits);
  const wrong = proofCode.replace(/\d/g, (d) => (d === '1' ? '2' : '1'));
  await page.getByLabel('Code', { exact: true }).fill(wrong);
  await page.getByRole('button', { name: 'Prove number' }).click();
  await expect(page.getByRole('alert')).toHaveText('That code is not right. 4 tries left.');
  await page.getByLabel('Code', { exact: true }).fill(proofCode);
  await page.getByRole('button', { name: 'Prove number' }).click();
  await expect(page.getByTestId('phone-standing')).toContainText(`${shown} · Proven`);
  await page.screenshot({ path: 'artifacts/account-phone.png', fullPage: true });

  // A second browser of hers, which the password change logs out.
  const laptopContext = await browser.newContext();
  const laptop = await laptopContext.newPage();
  await open(laptop, '/login');
  await laptop.getByLabel('Email', { exact: true }).fill(email);
  await laptop.getByLabel('Password', { exact: true }).fill('seongsu river walk');
  await laptop.getByRole('button', { name: 'Log in', exact: true }).click();
  await expect(laptop).toHaveURL(/\/$/);
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  const sessions = page.getByTestId('session');
  await expect(sessions).toHaveCount(2);
  await expect(sessions.first()).toContainText('This browser');
  await expect(sessions.first()).toContainText('Chrome · Linux');

  const password = page.getByRole('region', { name: 'Password', exact: true });
  await password.getByLabel('Current password').fill('not my password');
  await password.getByLabel('New password').fill('persimmons in the autumn sun');
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(password.getByRole('alert')).toHaveText('That is not your current password.');
  await password.getByLabel('Current password').fill('seongsu river walk');
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(password.getByRole('status')).toHaveText('Your password is changed. Other browsers logged out: 1.');
  await expect(sessions).toHaveCount(1);
  // The laptop is told at once, over its live link: it shows her logged out without a reload,
  // and does not knock again with the ended session (the console guard would see the 401).
  await expect(laptop.getByRole('navigation', { name: 'Account' })).toContainText('Log in');
  await laptop.reload();
  await expect(laptop.getByRole('navigation', { name: 'Account' })).toContainText('Log in');
  await laptopContext.close();

  // KakaoTalk messages can be turned off and on again.
  await expect(page.getByTestId('kakao-messages')).toHaveText('KakaoTalk messages about your orders: on.');
  await page.getByRole('button', { name: 'Turn off' }).click();
  await expect(page.getByTestId('kakao-messages')).toContainText('off');
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByTestId('kakao-messages')).toContainText(': on.');

  // An address, found from the account page.
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

  // The cart kept her dish; she orders, and KakaoTalk tells her phone.
  await page.getByRole('link', { name: /Cart/ }).click();
  const number = await placeOrder(page);
  await expect(async () => {
    await open(kakao, `/demo/kakao?phone=${digits}`);
    await expect(kakaoMessages(kakao).filter({ hasText: number }).first()).toBeVisible({ timeout: 1_000 });
  }).toPass();

  // She cannot leave while the order is under way.
  await open(page, '/account');
  const leaving = page.getByRole('region', { name: 'Leave Baedal' });
  await leaving.getByLabel('Current password').fill('persimmons in the autumn sun');
  await leaving.getByLabel('I understand that my account is erased for good.').check();
  await leaving.getByRole('button', { name: 'Leave Baedal for good' }).click();
  await expect(leaving.getByRole('alert')).toHaveText(
    'An order of yours is still under way. You can leave once it is delivered or cancelled.',
  );

  // The password forgotten: out, and back in with a code on her phone.
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  // The login page, with an email field of its own, stays until the next screen's chunk is in.
  await expect(page.getByRole('heading', { name: 'Back into your account' })).toBeVisible();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Send code by KakaoTalk' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'If ' })).toHaveText(
    `If ${email} has an account with a proven phone, a code is on its way to that phone by KakaoTalk. It works for 5 minutes.`,
  );
  await page.getByLabel('Code', { exact: true }).fill(await codeAfter(kakao, digits, proofCode));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/reset\?token=[0-9a-f]{64}$/);
  await page.getByLabel('New password').fill('cherry blossoms by the han');
  await page.screenshot({ path: 'artifacts/reset-password.png', fullPage: true });
  await page.getByRole('button', { name: 'Set password and log in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('navigation', { name: 'Account' })).toContainText('이수아');
  // And the new password is the one that logs in from now on.
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill('cherry blossoms by the han');
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('navigation', { name: 'Account' })).toContainText('이수아');

  // The food arrives.
  const owner = await person(browser, OWNER, /\/store$/);
  const card = owner.locator(`.kitchen-card[data-order="${number}"]`);
  await card.getByRole('button', { name: 'Accept' }).click();
  await card.getByRole('button', { name: 'Start cooking' }).click();
  await card.getByRole('button', { name: 'Food is ready' }).click();
  const rider = await person(browser, RIDER, /\/rider$/);
  // A retried run finds him on duty already.
  const duty = rider.getByTestId('duty-state');
  await expect(duty).toHaveText(/^(On|Off) duty$/);
  if ((await duty.textContent()) === 'Off duty') {
    await rider.getByRole('button', { name: 'Go on duty' }).click();
  }
  await expect(duty).toHaveText('On duty');
  await rider.locator(`.delivery[data-order="${number}"]`).getByRole('button', { name: 'Claim' }).click();
  const mine = rider.getByRole('list', { name: 'My active deliveries' }).locator(`[data-order="${number}"]`);
  await mine.getByRole('button', { name: 'Picked up' }).click();
  await mine.getByRole('button', { name: 'Delivered' }).click();
  await owner.context().close();
  await rider.context().close();

  // Delivered: now she leaves, and the account is gone.
  await open(page, '/account');
  await leaving.getByLabel('Current password').fill('cherry blossoms by the han');
  await leaving.getByLabel('I understand that my account is erased for good.').check();
  await leaving.getByRole('button', { name: 'Leave Baedal for good' }).click();
  await expect(page).toHaveURL(/\/goodbye$/);
  await expect(page.getByRole('heading', { name: 'Your account is gone' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Account' })).toContainText('Log in');

  await open(page, '/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill('cherry blossoms by the han');
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'That email and password do not match an account. Check both and try again.',
  );
  await kakao.context().close();
  await context.close();
});
