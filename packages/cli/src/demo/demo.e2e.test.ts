// `custodia demo` end to end on the embedded database: a fresh folder becomes a processed,
// documented demo instance; the demo accounts sign in over HTTP (the administrator with TOTP);
// running it again reuses the demo; a folder holding a real instance is refused and left alone.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { base32Decode, hotp, totpStep } from '@custodia/server';
import { tempDir } from '@custodia/store/testing';
import { runCli } from '../testing/run-cli.js';

interface DemoJson {
  demo: true;
  reused: boolean;
  home: string;
  url: string | null;
  case: string;
  accountabilityCase: string;
  accounts: { username: string; password: string; role: string; totpSecret: string | null; otpauthUrl: string | null }[];
  summary: {
    clips: number;
    items: number;
    itemsWithActivity: number;
    duplicateGroups: number;
    annotations: number;
    incidents: { id: number; title: string; status: string }[];
    pipelineFailures: number;
    accountability: { status: string; file: string; summary: Record<string, number> };
  };
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, CUSTODIA_OPERATOR: 'demo-test', CUSTODIA_LOG_LEVEL: 'warn', ...extra };
  delete e.CUSTODIA_HOME;
  // This test needs activity and near-duplicates; the other steps (proxies, OCR, faces) have their own tests.
  e.CUSTODIA_PIPELINE_STEPS = 'activity,fingerprint,duplicates';
  return e;
}

async function signIn(url: string, username: string, password: string, totp?: string): Promise<{ status: number; cookie: string | null }> {
  const res = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, ...(totp ? { totp } : {}) }),
  });
  await res.text();
  return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? null };
}

describe('custodia demo', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let data: string;
  let first: DemoJson;

  before(async () => {
    dir = await tempDir('custodia-demo-e2e-');
    data = join(dir.path, 'demo');
  });
  after(async () => {
    await dir?.remove();
  });

  test('builds a fresh demo: items processed, activity, near-duplicate groups, annotations, incidents (one verified), accounts', async () => {
    // DATABASE_URL is ignored: the demo always makes its own embedded database.
    const r = await runCli(['demo', '--no-serve', '--json', '--data', data, '--clips', '4'], env({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }));
    assert.equal(r.code, 0, r.stderr);
    first = JSON.parse(r.stdout) as DemoJson;
    assert.equal(first.reused, false);
    assert.equal(first.case, 'Demo — synthetic footage');
    assert.equal(first.url, null);
    const s = first.summary;
    assert.equal(s.clips, 4);
    assert.equal(s.items, 4);
    assert.equal(s.pipelineFailures, 0);
    assert.ok(s.itemsWithActivity >= 3, `activity found in ${s.itemsWithActivity} items`);
    // The re-encoded export joins its recording; the trimmed fragment joins the other one.
    assert.equal(s.duplicateGroups, 2);
    assert.ok(s.annotations >= 3, `annotations: ${s.annotations}`);
    assert.deepEqual(s.incidents.map((i) => i.status).sort(), ['in-review', 'unreviewed', 'verified']);
    assert.ok(s.incidents.every((i) => /^Demo: .*\(synthetic\)$/.test(i.title)), JSON.stringify(s.incidents));
    assert.deepEqual(first.accounts.map((a) => a.username), ['demo-analyst', 'demo-reviewer', 'demo-admin']);
    for (const a of first.accounts) assert.ok(a.password.length >= 16, 'a generated password');
    assert.match(first.accounts[2]!.otpauthUrl ?? '', /^otpauth:\/\/totp\//);
    // The accountability file is written beside the instance, with its captured copies.
    assert.ok(existsSync(s.accountability.file), s.accountability.file);
    assert.equal(s.accountability.status, 'imported');
    // Every proceeding and claim of the two reports is in (the quotes were checked against them on the way in).
    assert.equal(s.accountability.summary.proceedings, 10);
    assert.equal(s.accountability.summary.claims, 16);
    // The mark with the passwords is for the owner only; the generated footage is in the instance folder.
    assert.equal((await stat(join(data, 'demo.json'))).mode & 0o777, 0o600);
    assert.equal((await readdir(join(data, 'demo-footage'), { recursive: true })).filter((f) => String(f).endsWith('.mp4')).length, 4);
  });

  test('running it again serves the same demo (nothing new); the accounts sign in over HTTP, the administrator with TOTP', async () => {
    assert.ok(first, 'the demo was built');
    const serve = runCli(['demo', '--json', '--data', data, '--port', '0'], env());
    let out = '';
    serve.child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    while (!/"url": "http/.test(out) && serve.child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    try {
      const again = JSON.parse(out) as DemoJson;
      assert.equal(again.reused, true);
      assert.deepEqual(again.accounts, first.accounts, 'the same accounts');
      assert.deepEqual(again.summary.incidents, first.summary.incidents);
      const url = again.url!;
      const [analyst, reviewer, admin] = first.accounts;

      const a = await signIn(url, analyst!.username, analyst!.password);
      assert.equal(a.status, 200);
      const cases = (await (await fetch(`${url}/api/cases`, { headers: { cookie: a.cookie! } })).json()) as { cases: { id: number; name: string; role: string; itemCount: number }[] };
      const demoCase = cases.cases.find((c) => c.name === 'Demo — synthetic footage');
      assert.equal(demoCase?.role, 'analyst');
      assert.equal(demoCase?.itemCount, 4, 'nothing was ingested twice');
      const incidents = (await (await fetch(`${url}/api/cases/${demoCase!.id}/incidents`, { headers: { cookie: a.cookie! } })).json()) as { incidents: { status: string }[] };
      assert.equal(incidents.incidents.length, first.summary.incidents.length);

      // The demo victim's invented identity: the analyst sees the pseudonym only, the reviewer (granted) the identity.
      const persons = async (cookie: string) =>
        ((await (await fetch(`${url}/api/cases/${demoCase!.id}/persons`, { headers: { cookie } })).json()) as { persons: { pseudonym: string; protected?: { realName: string } }[] }).persons;
      const seenByAnalyst = await persons(a.cookie!);
      assert.deepEqual(seenByAnalyst.map((p) => p.pseudonym), ['Patient A (demo)']);
      assert.equal(seenByAnalyst[0]!.protected, undefined);
      assert.doesNotMatch(JSON.stringify(seenByAnalyst), /Invented Name/);

      const r = await signIn(url, reviewer!.username, reviewer!.password);
      assert.equal(r.status, 200);
      assert.match((await persons(r.cookie!))[0]!.protected?.realName ?? '', /Invented Name/);
      assert.equal((await signIn(url, analyst!.username, 'not-the-password')).status, 401);
      // The administrator needs a TOTP code, as every administrator does.
      assert.notEqual((await signIn(url, admin!.username, admin!.password)).status, 200);
      const code = await runCli(['demo', '--data', data, '--code', '--json'], env());
      assert.equal(code.code, 0, code.stderr);
      const shown = JSON.parse(code.stdout) as { username: string; code: string };
      const secret = base32Decode(admin!.totpSecret!);
      assert.ok([0, -1].map((d) => hotp(secret, totpStep(Date.now()) + d)).includes(shown.code), 'the helper prints the current code');
      let ok = await signIn(url, admin!.username, admin!.password, hotp(secret, totpStep(Date.now())));
      if (ok.status === 401) ok = await signIn(url, admin!.username, admin!.password, hotp(secret, totpStep(Date.now()) + 1));
      assert.equal(ok.status, 200);
    } finally {
      serve.child.kill('SIGTERM');
      const done = await serve;
      assert.equal(done.code, 0, done.stderr);
    }
  });

  test('a folder holding something else (a real instance) is refused and left untouched', async () => {
    // What an instance folder holds (the refusal comes before any database is opened).
    const real = join(dir.path, 'real');
    await mkdir(join(real, 'keys'), { recursive: true });
    await writeFile(join(real, 'keys', 'instance.key'), 'not for the demo');
    const before = (await readdir(real, { recursive: true })).sort();
    const r = await runCli(['demo', '--no-serve', '--data', real, '--clips', '3'], env());
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is not empty and is not a Custodia demo .*--data/);
    assert.deepEqual((await readdir(real, { recursive: true })).sort(), before);
    assert.equal(await readFile(join(real, 'keys', 'instance.key'), 'utf8'), 'not for the demo');
    const bad = await runCli(['demo', '--no-serve', '--data', join(dir.path, 'x'), '--clips', '2'], env());
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--clips takes a whole number from 3/);
  });
});
