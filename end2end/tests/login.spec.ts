import { test, expect } from './fixtures';
import { DEMO, logIn, open } from './helpers';

test('customer sees the open demo stores that deliver to their address', async ({ page }) => {
  await logIn(page, DEMO.customer);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('banner')).toContainText('김민지');

  const open = page.getByRole('list', { name: 'Open stores' });
  // All-day stores are open whatever time the test runs.
  await expect(open.getByRole('heading', { name: '서울숲 24시 김밥' })).toBeVisible();
  await expect(open.getByRole('heading', { name: '성수 돼지국밥 24시' })).toBeVisible();
  await expect(open.getByRole('heading', { name: '성수 커피로스터스' })).toBeVisible();
  await expect(open).toContainText('Delivery ₩2,500');

  // Switched off by its owner: listed as closed, never as open.
  const closed = page.getByRole('list', { name: 'Closed stores' });
  await expect(closed.getByRole('heading', { name: '왕십리 족발보쌈' })).toBeVisible();
  await expect(open.getByRole('heading', { name: '왕십리 족발보쌈' })).toHaveCount(0);

  // Gangnam is six kilometres away, beyond the store's delivery radius.
  await expect(page.getByText('강남 스시 오마카세')).toHaveCount(0);
  await page.screenshot({ path: 'artifacts/customer-home.png', fullPage: true });
});

test('customer switches address and the store list follows', async ({ page }) => {
  await logIn(page, DEMO.customer);
  const open = page.getByRole('list', { name: 'Open stores' });
  // The café delivers within 2 km: it reaches home in Seongsu, not the office in Wangsimni.
  await expect(open.getByRole('heading', { name: '성수 커피로스터스' })).toBeVisible();
  await page.getByLabel('Deliver to').selectOption({ label: '회사 · 서울 성동구 왕십리로 326' });
  await expect(page.getByText('성수 커피로스터스')).toHaveCount(0);
  await expect(open.getByRole('heading', { name: '서울숲 24시 김밥' })).toBeVisible();
});

test('store owner logs in and sees their stores', async ({ page }) => {
  await logIn(page, DEMO.owner);
  await expect(page).toHaveURL(/\/store$/);
  await expect(page.getByRole('heading', { name: 'Kitchen' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '성수 할매떡볶이' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '서울숲 24시 김밥' })).toBeVisible();
  // Another owner's store is not shown.
  await expect(page.getByText('뚝섬 중화반점')).toHaveCount(0);
  await expect(page.getByText('5 items, 1 sold out')).toBeVisible();
  await page.screenshot({ path: 'artifacts/owner-home.png', fullPage: true });
});

test('rider logs in, sees their duty status and goes off duty', async ({ page }) => {
  await logIn(page, DEMO.rider);
  await expect(page).toHaveURL(/\/rider$/);
  await expect(page.getByTestId('duty-state')).toHaveText('On duty');
  await page.screenshot({ path: 'artifacts/rider-home.png', fullPage: true });
  await page.getByRole('button', { name: 'Go off duty' }).click();
  await expect(page.getByTestId('duty-state')).toHaveText('Off duty');
  await page.reload();
  await expect(page.getByTestId('duty-state')).toHaveText('Off duty');
});

test('operator logs in and sees the platform counts', async ({ page }) => {
  await logIn(page, DEMO.operator);
  await expect(page).toHaveURL(/\/ops$/);
  // The demo's nine, and any a parallel test's new owner has been approved for.
  await expect(page.getByTestId('stores')).toHaveText(/^\d+$/);
  expect(Number(await page.getByTestId('stores').textContent())).toBeGreaterThanOrEqual(9);
  await page.screenshot({ path: 'artifacts/ops-home.png', fullPage: true });
});

test('a wrong password shows a clear message and no session', async ({ page }) => {
  await logIn(page, DEMO.customer, 'not-the-password');
  await expect(page.getByRole('alert')).toHaveText(
    'That email and password do not match an account. Check both and try again.',
  );
  await expect(page).toHaveURL(/\/login$/);
  await open(page, '/store');
  await expect(page.getByRole('alert')).toContainText('Please log in to continue.');
});

test('a customer cannot open the store dashboard', async ({ page }) => {
  await logIn(page, DEMO.customer);
  await expect(page).toHaveURL(/\/$/);
  await open(page, '/store');
  await expect(page.getByRole('alert')).toContainText('This page is for store owner accounts.');
});

test('the login page lists the demo accounts', async ({ page }) => {
  await open(page, '/login');
  const demo = page.getByRole('table');
  await expect(demo).toContainText(DEMO.customer);
  await expect(demo).toContainText(DEMO.operator);
  await expect(page.getByText('baedal-demo')).toBeVisible();
  await page.screenshot({ path: 'artifacts/login.png', fullPage: true });
});

test('logging out ends the live link: the login page asks the server for nothing more', async ({ page }) => {
  await logIn(page, DEMO.customer);
  await expect(page).toHaveURL(/\/$/);
  // Loaded fresh, the header and the page hydrate asynchronously: their follows once outlived
  // the logout, and the page kept knocking on the socket, refused.
  await open(page, '/orders');
  await expect(page.getByTestId('live-state')).toHaveClass('live-dot live');
  const knocks: string[] = [];
  page.on('websocket', (socket) => knocks.push(socket.url()));
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  // Longer than the link's first three reconnect waits (0.5, 1 and 2 s): a follow left behind
  // would have knocked by now.
  await page.waitForTimeout(4_000);
  expect(knocks).toEqual([]);
  await expect(page.getByTestId('live-state')).toHaveCount(0);
});
