import { test, expect } from './fixtures';
import { DEMO, logIn, open } from './helpers';

// These tests use a store and a consumer that the saga tests do not touch, so they can run beside them.
const JOKBAL = '왕십리 족발보쌈';

test.describe('in a Korean browser', () => {
  test.use({ locale: 'ko-KR' });

  test('the app speaks Korean, and the switch changes it for good', async ({ page }) => {
    await open(page, '/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
    await expect(page.getByRole('heading', { name: '음식 주문' })).toBeVisible();
    await expect(page.getByRole('heading', { name: '지금 주문 가능' })).toBeVisible();
    await expect(page.getByText(/배달팁 ₩[0-9,]+ · 최소주문/).first()).toBeVisible();
    await page.screenshot({ path: 'artifacts/customer-home-ko.png', fullPage: true });

    await page.getByTestId('language-switch').click();
    await expect(page.getByRole('heading', { name: 'Order food' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    // The choice outlives a reload: the server renders English from the cookie.
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Order food' })).toBeVisible();
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await page.getByTestId('language-switch').click();
    await expect(page.getByRole('heading', { name: '음식 주문' })).toBeVisible();
  });

  test('a language chosen on a menu holds on every page', async ({ page }) => {
    await open(page, '/');
    await page.getByRole('link', { name: JOKBAL }).click();
    await expect(page.getByRole('heading', { level: 1, name: JOKBAL })).toBeVisible();
    await page.getByTestId('language-switch').click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    // One cookie for the whole site: a cookie kept only under /stores would leave the home Korean.
    await open(page, '/');
    await expect(page.getByRole('heading', { name: 'Order food' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  });

  test('refusals read in Korean', async ({ page }) => {
    await logIn(page, DEMO.customer, 'not-the-password');
    await expect(page.getByRole('alert')).toHaveText(
      '이메일 또는 비밀번호가 맞지 않습니다. 둘 다 확인한 뒤 다시 시도해 주세요.',
    );
    await open(page, '/store');
    await expect(page.getByRole('alert')).toContainText('계속하려면 로그인해 주세요.');
  });
});

test('an owner adds a dish and sells it out; customers see both at once', async ({ browser }) => {
  const ownerContext = await browser.newContext();
  const visitorContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  const visitor = await visitorContext.newPage();

  await logIn(owner, 'owner.wangsimni@baedal.test');
  await expect(owner.getByRole('heading', { name: 'Kitchen' })).toBeVisible();
  // This owner has two stores; the dish goes on the 족발 menu.
  await owner.locator('.store-card', { hasText: JOKBAL }).getByRole('link', { name: 'Menu and hours' }).click();
  await expect(owner.getByRole('heading', { name: JOKBAL })).toBeVisible();
  await expect(owner.locator('body')).toHaveAttribute('data-hydrated', 'true');

  await owner.getByText('Add a dish', { exact: true }).first().click();
  const form = owner.locator('.new-dish');
  await form.getByLabel('Dish name').fill('들기름 메밀면');
  await form.getByLabel('Menu section').fill('면');
  await form.getByLabel('Description').fill('시원한 동치미 국물');
  await form.getByLabel('Price (₩)').fill('7000');
  await form.getByRole('button', { name: 'Add a dish' }).click();
  const dish = owner.locator('[data-dish="들기름 메밀면"]');
  await expect(dish).toContainText('₩7,000');
  await owner.screenshot({ path: 'artifacts/owner-setup.png', fullPage: true });

  const storeUrl = owner.url().replace(/\/store\/([0-9a-f-]+)\/setup$/, '/stores/$1');
  await open(visitor, new URL(storeUrl).pathname);
  const card = visitor.locator('.menu-item', { hasText: '들기름 메밀면' });
  await expect(card).toContainText('₩7,000');
  await expect(card.getByText('Sold out')).toHaveCount(0);

  await dish.getByRole('button', { name: 'Mark sold out' }).click();
  await expect(dish.getByRole('button', { name: 'Back on sale' })).toBeVisible();
  await visitor.reload();
  await expect(card.getByText('Sold out')).toBeVisible();
  await expect(card.getByRole('button', { name: 'Add 들기름 메밀면 to cart' })).toBeDisabled();

  // A price the server refuses comes back as a sentence, and nothing changes.
  await dish.getByText('Edit dish').click();
  // The field only takes digits; the server must refuse a negative price all the same.
  await dish.getByLabel('Price (₩)').evaluate((input: HTMLInputElement) => input.removeAttribute('pattern'));
  await dish.getByLabel('Price (₩)').fill('-100');
  await dish.getByRole('button', { name: 'Save dish' }).click();
  await expect(owner.getByRole('alert')).toContainText('The price cannot be negative.');
  await expect(dish).toContainText('₩7,000');
  // The refusal is a typed value, so the page words it again in the language the owner switches to.
  await owner.getByTestId('language-switch').click();
  await expect(owner.getByRole('alert')).toContainText('가격 항목은 0보다 작을 수 없습니다.');

  await ownerContext.close();
  await visitorContext.close();
});

test('an operator pauses a consumer, resumes it and reads the event history', async ({ page }) => {
  await logIn(page, 'ops@baedal.test');
  await expect(page.getByRole('link', { name: /operator/ })).toBeVisible();
  await open(page, '/ops');
  await expect(page.getByRole('heading', { name: 'Operations' })).toBeVisible();
  await expect(page.getByTestId('payment-breaker')).toContainText(/Circuit breaker: (closed|half-open)/);
  const deadlines = page.locator('[data-consumer="deadlines"]');
  await expect(deadlines).toContainText('Running');
  await deadlines.getByRole('button', { name: 'Pause' }).click();
  await expect(deadlines).toContainText('Paused');
  await expect(page.getByText('Paused. Its events wait until you resume it.')).toBeVisible();
  await deadlines.getByRole('button', { name: 'Resume' }).click();
  await expect(deadlines).toContainText('Running');
  await expect(page.getByText(/Resumed: \d+ waiting events queued\./)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Consumption history' })).toBeVisible();
  await page.screenshot({ path: 'artifacts/operator-console.png', fullPage: true });
});
