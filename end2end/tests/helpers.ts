import { Browser, expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/** The demo data's shared password (server/demo/seongsu.json). */
export const DEMO_PASSWORD = 'baedal-demo';

export const DEMO = {
  customer: 'minji@baedal.test',
  owner: 'owner.halmae@baedal.test',
  rider: 'rider.dohyun@baedal.test',
  operator: 'ops@baedal.test',
};

/** Opens a page and waits until the app has hydrated, so clicks reach Rust event handlers. */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** Logs in through the login form, as a person would, in either language. */
export async function logIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await open(page, '/login');
  await page.getByLabel(/^(Email|이메일)$/).fill(email);
  await page.getByLabel(/^(Password|비밀번호)$/).fill(password);
  await page.getByRole('button', { name: /^(Log in|로그인)$/ }).click();
}

/** The payment simulator that `playwright.config.ts` starts beside the server. */
export const providerURL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 99}`;

/** The geocoding simulator that `playwright.config.ts` starts beside the server. */
export const geocoderURL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 98}`;

/** Sets a simulator's switches (latency, failures) through its test controls. */
export async function switchSimulator(url: string, switches: object) {
  const response = await fetch(`${url}/control`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(switches),
  });
  expect(response.ok).toBeTruthy();
}

/** A logged-in page of its own browser context: its own cookies, like another person's phone. */
export async function person(browser: Browser, email: string, landing: string | RegExp): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await logIn(page, email);
  await expect(page).toHaveURL(landing);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  return page;
}

/** The messages the demo's KakaoTalk stand-in shows for the phone `digits`, newest first. */
export function kakaoMessages(kakao: Page) {
  return kakao.getByRole('list', { name: 'KakaoTalk messages' }).getByRole('listitem');
}

/** Waits until the phone's newest code is not `previous`, and returns it. */
export async function codeAfter(kakao: Page, digits: string, previous?: string): Promise<string> {
  let code: string | undefined;
  await expect(async () => {
    await open(kakao, `/demo/kakao?phone=${digits}`);
    const texts = await kakaoMessages(kakao).allTextContents();
    code = texts.map((text) => /\[(\d{6})\]/.exec(text)?.[1]).find((found) => found !== undefined);
    expect(code).toMatch(/^\d{6}$/);
    expect(code).not.toBe(previous);
  }).toPass();
  return code!;
}

/** The address the server under test answers on (`baseURL` in playwright.config.ts). */
export const baseURL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100)}`;

/**
 * Runs `server create-operator` on the database of the server under test, as a new deployment's
 * first operator is made, and returns the path of the link that sets the operator's password.
 */
export function createOperator(email: string, name: string): string {
  const root = path.resolve(__dirname, '..', '..');
  const target = process.env.CARGO_TARGET_DIR ?? path.join(root, 'target');
  const printed = execFileSync(
    path.join(target, 'debug', 'server'),
    ['create-operator', '--email', email, '--name', name],
    {
      env: {
        ...process.env,
        DATABASE_URL: process.env.BAEDAL_E2E_DATABASE_URL,
        BAEDAL_PUBLIC_URL: baseURL,
        RUST_LOG: 'warn',
      },
    },
  ).toString();
  const link = printed.split('\n').find((line) => line.startsWith(baseURL));
  expect(link, printed).toBeDefined();
  return link!.slice(baseURL.length);
}

/**
 * Someone new on an application page (`/partner/apply` or `/rider/apply`): the account made on
 * the page itself, then the phone proven with the code from the demo's KakaoTalk.
 */
export async function newApplicant(browser: Browser, path: string, email: string, digits: string) {
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

/** A phone of its own for each run, so a retried run never reads an earlier run's code. */
export function newPhone(): string {
  return `010${String(Date.now()).slice(-8)}`;
}

/**
 * Picks 트리마제 (서울 성동구 왕십리로 16) from the matches of a search for it, searched with the
 * Enter key: inside an application form, Enter searches and must not send the application.
 */
export async function pickTrimage(page: Page) {
  await page.getByLabel('Street, building or place').fill('트리마제');
  await page.getByLabel('Street, building or place').press('Enter');
  await page.getByRole('list', { name: 'Matches' }).getByRole('button', { name: /트리마제/ }).click();
}

/** The operator's decision on the application of `email`, from the review page. */
export async function decide(operator: Page, email: string, decision: string, message = '') {
  await open(operator, '/ops/applications');
  const card = operator.getByTestId('review').filter({ hasText: email });
  await card.getByLabel(decision, { exact: true }).check();
  if (message) {
    await card.getByLabel('Message to the applicant').fill(message);
  }
  await card.getByRole('button', { name: 'Send decision' }).click();
  await expect(operator.getByRole('status').filter({ hasText: 'Decision sent' })).toBeVisible();
}

/** Places the cart's order from the cart page, waits until it is paid, and returns its number. */
export async function placeOrder(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  const heading = await page.getByText(/^Order #[0-9A-F]{8}/).textContent();
  const number = heading?.match(/#([0-9A-F]{8})/)?.[1];
  expect(number).toBeTruthy();
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  return number!;
}
