import { Browser, expect, Page } from '@playwright/test';

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
