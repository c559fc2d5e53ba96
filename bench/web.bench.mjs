#!/usr/bin/env node
// Time from opening an item in the workspace to its first video frame, on localhost, in Debian's
// Chromium: a fresh instance (PGlite) with the e2e recordings ingested and processed, `custodia
// serve`, an administrator signed in; then, RUNS times, from the items list the item view is opened
// (hash navigation, as a click does) and the clock stops at the video's `loadeddata` (first frame
// decoded) and at the first `requestVideoFrameCallback` after play() (first frame presented). The
// browser cache is disabled so every run fetches the item detail and the proxy again.
//
// Env: BENCH_RUNS (default 15), BENCH_DB (pglite | postgres; default pglite).
// Prints a JSON line and a short table.
import { performance } from 'node:perf_hooks';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const DB = process.env.BENCH_DB ?? 'pglite';
const e2e = await import('../packages/e2e/dist/index.js');

const t0 = performance.now();
const inst = await e2e.startInstance(DB, 'Bench case');
const setupSec = (performance.now() - t0) / 1000;
let browser;
try {
  // The administrator, by the API: setup, TOTP enrolment (the session becomes a full one).
  let cookie = '';
  let csrf = '';
  const call = async (method, path, body) => {
    const r = await fetch(inst.url + path, {
      method,
      headers: { 'content-type': 'application/json', origin: inst.url, ...(cookie ? { cookie } : {}), ...(csrf ? { 'x-csrf-token': csrf } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const set = r.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0];
    const json = await r.json().catch(() => null);
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  const s = await call('POST', '/api/setup', { setupCode: inst.setupCode, username: 'bench', displayName: 'Bench', password: 'bench pass phrase long' });
  csrf = s.csrfToken;
  const { secret } = await call('POST', '/api/me/totp/enrol', {});
  await call('POST', '/api/me/totp/confirm', { code: await new e2e.Authenticator(secret).next() });
  await call('PATCH', '/api/me/settings', { revealMedia: true });
  const { cases } = await call('GET', '/api/cases');
  const caseId = cases.find((c) => c.name === 'Bench case').id;
  // Media is streamed only to members of a case holding it.
  await call('PUT', `/api/cases/${caseId}/members/${s.user.id}`, { role: 'coordinator', grants: [] });
  const { items } = await call('GET', `/api/cases/${caseId}/items?limit=10`);
  const videos = items.filter((i) => i.proxySha256);
  if (videos.length === 0) throw new Error('no item with a proxy');

  browser = await e2e.launchChromium();
  const { context, page } = await e2e.personContext(browser, inst.url);
  const [name, value] = cookie.split('=');
  await context.addCookies([{ name, value, url: inst.url }]);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.goto(`/#/cases/${caseId}/items`);
  await page.getByTestId('items-grid').waitFor();

  const loaded = [];
  const presented = [];
  for (let i = 0; i < RUNS; i++) {
    const item = videos[i % videos.length];
    await page.evaluate((h) => (location.hash = h), `#/cases/${caseId}/items`);
    await page.getByTestId('items-grid').waitFor();
    const r = await page.evaluate(
      (hash) =>
        new Promise((resolve, reject) => {
          const start = performance.now();
          const timer = setTimeout(() => reject(new Error('no frame within 30 s')), 30_000);
          location.hash = hash;
          const poll = () => {
            const v = document.querySelector('[data-testid=player]');
            if (!v) return requestAnimationFrame(poll);
            const onLoaded = () => {
              const loaded = performance.now() - start;
              v.requestVideoFrameCallback(() => {
                clearTimeout(timer);
                v.pause();
                resolve({ loaded, presented: performance.now() - start });
              });
              v.muted = true;
              v.play().catch(reject);
            };
            v.addEventListener('error', () => reject(new Error(`video error ${v.error?.code}`)), { once: true });
            if (v.readyState >= 2) onLoaded();
            else v.addEventListener('loadeddata', onLoaded, { once: true });
          };
          poll();
        }),
      `#/cases/${caseId}/items/${item.id}`,
    );
    loaded.push(r.loaded);
    presented.push(r.presented);
  }
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    return { median: Math.round(q(0.5)), p95: Math.round(q(0.95)), min: Math.round(s[0]), max: Math.round(s[s.length - 1]) };
  };
  const result = { bench: 'web-first-frame', db: DB, runs: RUNS, setupSec: Math.round(setupSec), loadeddataMs: stats(loaded), firstFrameMs: stats(presented) };
  console.log(JSON.stringify(result));
  console.log(`open item → loadeddata:            median ${result.loadeddataMs.median} ms, p95 ${result.loadeddataMs.p95} ms`);
  console.log(`open item → first frame presented: median ${result.firstFrameMs.median} ms, p95 ${result.firstFrameMs.p95} ms`);
} finally {
  await browser?.close();
  await inst.stop();
}
