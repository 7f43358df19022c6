// Lighthouse (mobile preset: a mid-range phone on a slow 4G link) against the release build, on
// the screens people open first: the customer home, a store's menu, an order's tracking page,
// the kitchen and the rider screen. Prints one row per page. A measurement, not a test: run it
// through scripts/lighthouse.sh, which gives it a throwaway PostgreSQL.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = Number(process.env.LIGHTHOUSE_PORT ?? 3400);
const base = `http://127.0.0.1:${port}`;
const target = process.env.CARGO_TARGET_DIR ?? 'target';
const password = 'baedal-demo';

const server = spawn(join(target, 'release', 'server'), [], {
  env: {
    ...process.env,
    BAEDAL_DEMO: '1',
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    LEPTOS_SITE_ROOT: 'target/site',
    RUST_LOG: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
process.on('exit', () => server.kill());

async function until(check) {
  for (let i = 0; i < 120; i++) {
    try {
      if (await check()) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the server did not start');
}

async function logIn(email) {
  const response = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ email, password }),
  });
  if (!response.ok) throw new Error(`login ${email}: ${await response.text()}`);
  // Every cookie the login sets (the device's and the session's), as one Cookie header.
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
}

async function call(cookie, endpoint, body, json = false) {
  const response = await fetch(`${base}/api/${endpoint}`, {
    method: 'POST',
    headers: {
      cookie,
      accept: 'application/json',
      'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
    },
    body: json ? JSON.stringify(body) : new URLSearchParams(body),
  });
  if (!response.ok) throw new Error(`${endpoint}: ${await response.text()}`);
  return response.json();
}

await until(async () => (await fetch(`${base}/login`)).ok);
const customer = await logIn('minji@baedal.test');
const owner = await logIn('owner.halmae@baedal.test');
const rider = await logIn('rider.dohyun@baedal.test');

// A real order to track: four of a dish from the 24-hour store, to the customer's first address.
const [address] = await call(customer, 'my_addresses', {});
const stores = await call(customer, 'nearby_stores', { lat: address.position.lat, lng: address.position.lng });
const store = stores.find((s) => s.name === '서울숲 24시 김밥') ?? stores[0];
const menu = await call(customer, 'store_menu', { store_id: store.store_id });
const dish = menu.items.find((i) => i.groups.length === 0 && !i.sold_out);
const orderId = await call(
  customer,
  'place_order',
  { order: { store_id: store.store_id, address_id: address.address_id, lines: [{ item_id: dish.item_id, quantity: 4, option_ids: [] }] } },
  true,
);

const pages = [
  ['customer home', '/', customer],
  ['store menu', `/stores/${store.store_id}`, customer],
  ['order tracking', `/orders/${orderId}`, customer],
  ['kitchen', '/store', owner],
  ['rider', '/rider', rider],
];

const out = mkdtempSync(join(tmpdir(), 'baedal-lighthouse-'));
const rows = [];
for (const [name, path, cookie] of pages) {
  const report = join(out, `${name.replace(/\W+/g, '-')}.json`);
  execFileSync(
    'npx',
    [
      '--yes',
      'lighthouse@12',
      `${base}${path}`,
      '--quiet',
      '--only-categories=performance,accessibility,best-practices',
      '--output=json',
      `--output-path=${report}`,
      '--chrome-flags=--headless=new --no-sandbox --disable-gpu',
      `--extra-headers=${JSON.stringify({ Cookie: cookie })}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH ?? '/usr/bin/chromium' } },
  );
  const result = JSON.parse(readFileSync(report, 'utf8'));
  const score = (id) => Math.round(result.categories[id].score * 100);
  const audit = (id) => result.audits[id].numericValue;
  rows.push({
    page: name,
    performance: score('performance'),
    accessibility: score('accessibility'),
    'best practices': score('best-practices'),
    'LCP s': (audit('largest-contentful-paint') / 1000).toFixed(2),
    'TBT ms': Math.round(audit('total-blocking-time')),
    CLS: audit('cumulative-layout-shift').toFixed(3),
    'bytes KB': Math.round(audit('total-byte-weight') / 1024),
  });
}
console.table(rows);
console.log('goal: performance >= 95, accessibility 100, best practices >= 95, LCP <= 1.5 s, TBT <= 100 ms, CLS <= 0.05');
console.log(`reports: ${out}`);
process.exit(0);
