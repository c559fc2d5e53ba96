// The accountability tracker end to end, in Debian's Chromium against a real `custodia serve`: an
// analyst holding the source-identity grant records an official with a position, a dismissal with
// its timeline, sources whose captured copies she uploads from the browser, claims quoting them,
// links to an incident and to a segment of a recording, and the source's own legal case; the
// dashboard counts them. Then a member WITHOUT the grant looks everywhere — the screens, the API,
// search, the CSV/JSON exports, the ledger, the court export and a published site — and finds
// nothing of the source's legal case (ADR 0019, ADR 0021).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DB_KINDS, tempDir } from '@custodia/store/testing';
import { launchChromium, personContext } from './testing/browser.js';
import { runCustodia, startInstance, type Instance } from './testing/instance.js';
import { addClaim, addEvent, addMembers, createUsers, newProceeding, pageApi as api, setUpAdministrator, signIn } from './testing/story.js';

const CASE = 'Colony 9 accountability';
const PASSWORD = { admin: 'correct horse battery staple', sara: 'sara pass phrase 11', olga: 'olga pass phrase 12' };
const kinds = process.env.CUSTODIA_E2E_DB ? DB_KINDS.filter((k) => k === process.env.CUSTODIA_E2E_DB) : DB_KINDS;

// What belongs to the source's legal case, and must appear nowhere for a member without the grant.
const RULING = Buffer.from('<html><body><p>The district court ordered the arrest in absentia of Quillfeather under warrant ZX-4471.</p></body></html>');
const SECRETS = [/Quillfeather/i, /ZX-4471/, /district-court-ruling/i];
const NEWS = Buffer.from('<html><body><p>Two guards of colony 9 were dismissed, said Major Orlov, head of the security unit.</p></body></html>');

/** Every file under a folder, as text (latin1, so any bytes are searchable). */
function allText(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    out += `\n--- ${name}\n` + (statSync(p).isDirectory() ? allText(p) : readFileSync(p).toString('latin1'));
  }
  return out;
}

const leaks = (where: string, text: string, sha: string) => {
  for (const s of SECRETS) assert.ok(!s.test(text), `${where} shows ${s}:\n${text.slice(0, 2000)}`);
  assert.ok(!text.includes(sha), `${where} shows the captured copy's hash`);
};

for (const kind of kinds) {
  describe(`accountability tracker in Chromium on ${kind}`, () => {
    let inst: Instance;
    let browser: Browser;

    before(async () => {
      inst = await startInstance(kind, CASE);
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await inst?.stop();
    });

    it('records officials, proceedings, sources with uploaded copies and claims; without the grant nothing of the source\'s legal case shows anywhere', async () => {
      // Administrator: setup, TOTP, two analysts — sara with the source-identity grant, olga without.
      const admin = await personContext(browser, inst.url);
      const a = admin.page;
      await setUpAdministrator(a, inst.setupCode, { username: 'amira', displayName: 'Amira Admin', password: PASSWORD.admin });
      await createUsers(a, [['sara', 'Sara Analyst', PASSWORD.sara], ['olga', 'Olga Analyst', PASSWORD.olga]]);
      await a.goto('/#/');
      await a.getByRole('link', { name: CASE }).click();
      await a.getByTestId('item-count').waitFor();
      const caseId = a.url().split('/cases/')[1]!.split('/')[0]!;
      await addMembers(a, [['Amira Admin (amira)', 'coordinator', null], ['Sara Analyst (sara)', 'analyst', 'Source identity'], ['Olga Analyst (olga)', 'analyst', null]]);

      // sara: an official with a position, the source (a person marked as such), an incident.
      const sara = await personContext(browser, inst.url);
      const s = sara.page;
      await signIn(s, 'sara', PASSWORD.sara);
      const official = await api(s).send('POST', `/api/cases/${caseId}/persons`, { role: 'official', pseudonym: 'Major Orlov', positions: [{ title: 'Head of the security unit', unit: 'Security unit', rank: 'Major' }] });
      assert.equal(official.status, 201, JSON.stringify(official.body));
      const source = await api(s).send('POST', `/api/cases/${caseId}/persons`, { role: 'other', pseudonym: 'Quillfeather', isSource: true });
      assert.equal(source.status, 201, JSON.stringify(source.body));
      const clips = (await api(s).send('GET', `/api/cases/${caseId}/items?sort=path`)).body.items as { id: number; path: string }[];
      const incident = await api(s).send('POST', `/api/cases/${caseId}/incidents`, { title: 'Beating in the corridor', timeSource: 'overlay', description: 'Two guards beat a detainee.' });
      assert.equal(incident.status, 201, JSON.stringify(incident.body));

      // Sources with their captured copies uploaded from the browser.
      await s.goto(`/#/cases/${caseId}/accountability`);
      const sform = s.getByRole('form', { name: 'Add source' });
      for (const [title, publisher, file] of [
        ['Two guards dismissed', 'Regional news', { name: 'guards-dismissed.html', mimeType: 'text/html', buffer: NEWS }],
        ['Court ruling', 'District court', { name: 'district-court-ruling.html', mimeType: 'text/html', buffer: RULING }],
      ] as const) {
        await sform.getByLabel('Title').fill(title);
        await sform.getByLabel('Publisher').fill(publisher);
        await sform.getByLabel(/Captured copy: upload a file/).setInputFiles(file);
        await sform.getByLabel(/Retrieved at/).fill('2026-11-02T09:30');
        await sform.getByRole('button', { name: 'Add source' }).click();
        await s.getByTestId('sources').getByText(title).waitFor();
      }
      const sources = (await api(s).send('GET', `/api/cases/${caseId}/sources`)).body.sources as { id: number; title: string; sha256: string; itemId: number; retrievedAt: string }[];
      const ruling = sources.find((x) => x.title === 'Court ruling')!;
      assert.equal(ruling.retrievedAt.slice(0, 10), '2026-11-02');
      assert.match(ruling.sha256, /^[0-9a-f]{64}$/);

      // The official's position, supported by the news page.
      await s.reload();
      await addClaim(s.getByRole('form', { name: 'Add claim: Major Orlov' }), s.getByTestId('position-claim'), { source: 'Two guards dismissed', quote: 'Major Orlov, head of the security unit' });

      // A dismissal with its timeline, a claim, a link to the incident and to a segment of a recording.
      await newProceeding(s, { type: 'dismissal', title: 'Two guards dismissed', unnamed: 2 });
      const dismissalUrl = s.url().replace(inst.url, '');
      await addEvent(s, { on: '2026-10', status: 'dismissed', summary: 'Both guards dismissed' });
      await addClaim(s.getByRole('form', { name: 'Add claim' }), s.getByTestId('claim'), { source: 'Two guards dismissed', quote: 'Two guards of colony 9 were dismissed' });
      await s.getByRole('form', { name: 'Relate to an incident' }).getByLabel('Incident').selectOption({ label: 'Beating in the corridor' });
      await s.getByRole('form', { name: 'Relate to an incident' }).getByRole('button', { name: 'Relate to an incident' }).click();
      await s.getByRole('link', { name: 'Beating in the corridor' }).waitFor();
      const seg = s.getByRole('form', { name: 'Relate to a segment' });
      await seg.getByLabel('Captured copy: item number in the case').fill(String(clips[0]!.id));
      await seg.getByLabel('From (seconds)').fill('3');
      await seg.getByLabel('To (seconds)').fill('8');
      await seg.getByRole('button', { name: 'Relate to a segment' }).click();
      await s.getByText(`item ${clips[0]!.id}, 0:03`).waitFor();

      // The source's own legal case, its event, and the claim quoting the court ruling.
      await s.goto(`/#/cases/${caseId}/accountability`);
      await newProceeding(s, { type: 'arrest-in-absentia', title: 'Quillfeather arrested in absentia' }, async (form) => {
        await form.locator('select[name=subjectIds]').selectOption({ label: 'Quillfeather' });
        await form.getByLabel(/own legal exposure/).check();
      });
      await addEvent(s, { on: '2026-11', status: 'opened', summary: 'Warrant ZX-4471 issued' });
      await addClaim(s.getByRole('form', { name: 'Add claim' }), s.getByTestId('claim'), { source: 'Court ruling', quote: 'the arrest in absentia of Quillfeather' });

      // The dashboard counts both for sara.
      await s.goto(`/#/cases/${caseId}/accountability`);
      const counts = s.getByTestId('acc-counts');
      await counts.getByText('Arrests in absentia').waitFor();
      const dismissedRow = counts.locator('tr', { hasText: 'Dismissed from service' });
      assert.deepEqual((await dismissedRow.locator('td').allTextContents()).slice(0, 4), ['Dismissed from service', '1', '0', '2']);
      assert.match((await dismissedRow.locator('td').nth(4).textContent())!, /Beating in the corridor/);
      assert.equal((await api(s).send('GET', `/api/items/${ruling.itemId}`)).status, 200);

      // olga, without the grant: the screens.
      const olga = await personContext(browser, inst.url);
      const o = olga.page;
      await signIn(o, 'olga', PASSWORD.olga);
      await o.goto(`/#/cases/${caseId}/accountability`);
      await o.getByTestId('acc-counts').getByText('Dismissed from service').waitFor();
      await o.getByTestId('sources').getByText('Two guards dismissed').waitFor();
      await o.getByTestId('proceedings').getByText('Two guards dismissed').waitFor();
      leaks('the accountability screen', await o.locator('body').innerText(), ruling.sha256);
      assert.equal(await o.getByTestId('acc-counts').getByText('Arrests in absentia').count(), 0);
      await o.goto(dismissalUrl);
      await o.getByTestId('claim').first().waitFor();
      leaks('the dismissal', await o.locator('body').innerText(), ruling.sha256);
      await o.goto(`/#/cases/${caseId}/items`);
      await o.getByTestId('items-grid').waitFor();
      assert.equal(await o.getByTestId('items-total').textContent(), `${clips.length + 1} items`, 'the court ruling\'s copy is not among the items');
      leaks('the items', await o.locator('body').innerText(), ruling.sha256);
      await o.goto(`/#/cases/${caseId}/ledger`);
      await o.getByTestId('ledger').locator('tbody tr').first().waitFor();
      leaks('the ledger', await o.locator('body').innerText(), ruling.sha256);

      // The API, search and the exports.
      const oa = api(o);
      assert.equal((await oa.send('GET', `/api/items/${ruling.itemId}`)).status, 404);
      assert.equal((await oa.send('GET', `/api/sources/${ruling.id}/captured-copy`)).status, 404);
      assert.equal((await oa.send('GET', `/api/persons/${source.body.person.id}`)).status, 404);
      const refused = await oa.send('POST', `/api/cases/${caseId}/incidents`, { title: 'x', timeSource: 'overlay', description: 'x', victimIds: [source.body.person.id] });
      assert.equal(refused.body.error.message, `no person ${source.body.person.id} in this case`);
      for (const path of [
        `/api/cases/${caseId}/proceedings`,
        `/api/cases/${caseId}/sources`,
        `/api/cases/${caseId}/persons`,
        `/api/cases/${caseId}/items`,
        `/api/cases/${caseId}/items?q=quillfeather`,
        `/api/cases/${caseId}/items?q=district`,
        `/api/cases/${caseId}/accountability/search?q=Quillfeather`,
        `/api/cases/${caseId}/accountability/search?q=absentia`,
        `/api/cases/${caseId}/accountability/dashboard`,
        `/api/cases/${caseId}/accountability/export?format=csv`,
        `/api/cases/${caseId}/accountability/export?format=json`,
        `/api/cases/${caseId}/ledger?limit=500`,
        `/api/cases/${caseId}`,
      ]) {
        const r = await oa.text(path);
        assert.equal(r.status, 200, `${path}: ${r.text}`);
        leaks(path, r.text, ruling.sha256);
      }
      assert.equal((await oa.text(`/api/cases/${caseId}/accountability/export?format=json&withSourceExposure=1`)).status, 403);
      // sara sees it all, for contrast.
      assert.match((await api(s).text(`/api/cases/${caseId}/accountability/search?q=Quillfeather`)).text, /Quillfeather arrested in absentia/);

      // A published site and a court package, made without choosing the source's legal case.
      const inc = incident.body.incident.id;
      assert.equal((await api(s).send('POST', `/api/incidents/${inc}/segments`, { itemId: clips[0]!.id, startSec: 3, endSec: 8 })).status, 201);
      assert.equal((await api(s).send('POST', `/api/incidents/${inc}/review`, { action: 'submit' })).status, 200);
      const done = { source: { done: true, note: 'ok' }, technical: { done: true, note: 'ok' }, content: { done: true, note: 'ok' } };
      const verified = await api(a).send('POST', `/api/incidents/${inc}/review`, { action: 'verify', checklist: done, confidence: 'high' });
      assert.equal(verified.status, 200, JSON.stringify(verified.body));
      const marked = await api(a).send('PUT', `/api/incidents/${inc}/publication`, { title: 'A detainee beaten in a corridor', summary: 'Guards beat a detainee in colony 9.', redactionIds: [] });
      assert.equal(marked.status, 200, JSON.stringify(marked.body));
      // The site as the Publish button builds it (a zip of stored entries: searchable as bytes).
      const queued = await api(a).send('POST', `/api/cases/${caseId}/sites`);
      assert.equal(queued.status, 202, JSON.stringify(queued.body));
      // The worker `custodia serve` runs builds it; poll it as the workspace does.
      let built = queued;
      for (let i = 0; i < 600 && ['queued', 'running'].includes(built.body.site.state); i++) {
        await new Promise((r) => setTimeout(r, 200));
        built = await api(a).send('GET', `/api/cases/${caseId}/sites/${queued.body.site.id}`);
      }
      assert.equal(built.body.site.state, 'done', JSON.stringify(built.body));
      const zip = await a.evaluate(async (href) => new TextDecoder('latin1').decode(new Uint8Array(await (await fetch(href)).arrayBuffer())), built.body.site.download as string);
      assert.match(zip, /A detainee beaten in a corridor/);
      leaks('the published site', zip, ruling.sha256);
      // `custodia publish` and `custodia export` open the database beside the server: PostgreSQL only
      // (the embedded database is held by `custodia serve`).
      if (kind === 'postgres') {
        const out = await tempDir('custodia-e2e-acc-');
        try {
          const site = await runCustodia(['publish', '--case', CASE, '--out', join(out.path, 'site'), '--operator', 'amira'], inst.env);
          assert.equal(site.code, 0, site.stderr);
          const siteText = allText(join(out.path, 'site'));
          assert.match(siteText, /A detainee beaten in a corridor/);
          leaks('the published site', siteText, ruling.sha256);
          const pkg = await runCustodia(['export', '--case', CASE, '--out', join(out.path, 'court'), '--operator', 'amira', '--no-progress'], inst.env);
          assert.equal(pkg.code, 0, pkg.stderr);
          const pkgText = allText(join(out.path, 'court'));
          assert.ok(pkgText.includes(sources.find((x) => x.title === 'Two guards dismissed')!.sha256), 'the news page\'s copy is in the court package');
          leaks('the court package', pkgText, ruling.sha256);
        } finally {
          await out.remove();
        }
      }
      for (const p of [admin, sara, olga]) await p.context.close();
    });
  });
}
