import { Browser, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { codeAfter, DEMO, kakaoMessages, open, person } from './helpers';

/** A phone of its own for each run, so a retried run never reads an earlier run's code. */
function newPhone(): string {
  return `010${String(Date.now()).slice(-8)}`;
}

/**
 * Someone new on an application page (`/partner/apply` or `/rider/apply`): the account made on
 * the page itself, then the phone proven with the code from the demo's KakaoTalk.
 */
async function newApplicant(browser: Browser, path: string, email: string, digits: string) {
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  const kakao = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await open(page, path);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Name', { exact: true }).fill('신규 파트너');
  await page.getByLabel('Password', { exact: true }).fill('seongsu river walk');
  await page.getByLabel('I am 14 or older').check();
  await page.getByLabel('I agree to the terms of service').check();
  await page.getByLabel('I agree to the collection and use of my personal information').check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(new RegExp(`${path}$`));
  await page.getByLabel('Mobile number').fill(digits);
  await page.getByRole('button', { name: 'Send code by KakaoTalk' }).click();
  await page.getByLabel('Code', { exact: true }).fill(await codeAfter(kakao, digits));
  await page.getByRole('button', { name: 'Prove number' }).click();
  await expect(page.getByTestId('phone-standing')).toContainText('Proven');
  return { page, kakao };
}

/** Picks 트리마제 (서울 성동구 왕십리로 16) by searching for it. */
async function pickTrimage(page: Page) {
  await page.getByLabel('Street, building or place').fill('트리마제');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('list', { name: 'Matches' }).getByRole('button', { name: /트리마제/ }).click();
  await expect(page.getByTestId('picked-place')).toHaveText('서울 성동구 왕십리로 16');
}

/** The operator's decision on the application of `email`, from the review page. */
async function decide(operator: Page, email: string, decision: string, message = '') {
  await open(operator, '/ops/applications');
  const card = operator.getByTestId('review').filter({ hasText: email });
  await card.getByLabel(decision, { exact: true }).check();
  if (message) {
    await card.getByLabel('Message to the applicant').fill(message);
  }
  await card.getByRole('button', { name: 'Send decision' }).click();
  await expect(operator.getByRole('status').filter({ hasText: 'Decision sent' })).toBeVisible();
}

test('a new rider applies, is approved by an operator and goes on duty', async ({ browser }) => {
  test.setTimeout(120_000);
  const email = `rider.${Date.now()}@example.com`;
  const digits = newPhone();
  const { page, kakao } = await newApplicant(browser, '/rider/apply', email, digits);

  await page.getByLabel('Motorbike').check();
  await pickTrimage(page);
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

test('a new owner fixes what the reviewer asks and gets a store to set up', async ({ browser }) => {
  test.setTimeout(120_000);
  const email = `owner.${Date.now()}@example.com`;
  const { page } = await newApplicant(browser, '/partner/apply', email, newPhone());
  const storeName = `성수 분식 ${Date.now() % 100000}`;

  await page.getByLabel('Business name (as registered)').fill('성수 분식 주식회사');
  // One digit typed wrong: the check digit catches it before anyone reviews it.
  await page.getByLabel('Business registration number').fill('220-81-62518');
  await page.getByLabel('Store name (what customers see)').fill('성수분식');
  await page.getByLabel('Store phone').fill('02-466-1234');
  await pickTrimage(page);
  await page.getByRole('button', { name: 'Send application' }).click();
  await expect(page.getByRole('alert')).toContainText('This business registration number does not exist');
  await page.getByLabel('Business registration number').fill('220-81-62517');
  await page.screenshot({ path: 'artifacts/owner-apply.png', fullPage: true });
  await page.getByRole('button', { name: 'Send application' }).click();
  await expect(page.getByTestId('application-status')).toHaveText('Waiting for review');

  const operator = await person(browser, DEMO.operator, /\/ops$/);
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

  // The checklist names what is missing, and going live is refused until it is all there.
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
  await page.screenshot({ path: 'artifacts/store-checklist.png', fullPage: true });

  await page.getByRole('button', { name: 'Go live' }).click();
  await expect(page.getByTestId('store-standing')).toContainText('Live since');
  await open(page, '/store');
  await expect(page.locator('.store-card', { hasText: storeName }).getByRole('button', { name: 'Stop taking orders' })).toBeVisible();
  await operator.context().close();
});
