// The analysts' workspace end to end, in Debian's Chromium against a real `custodia serve`:
// first-run setup and TOTP, users and members, an analyst with TOTP documenting an incident from
// a played video, a second person verifying it, an observer who can neither edit nor see protected
// fields, the accountability tracker, and the ledger saying who did what. Screenshots of the main screens are saved on the way.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DB_KINDS } from '@custodia/store/testing';
import { launchChromium, personContext, screenshot } from './testing/browser.js';
import { startInstance, type Instance } from './testing/instance.js';
import { addClaim, addEvent, addMembers, createUsers, newProceeding, pageApi, setUpAdministrator, signIn } from './testing/story.js';
import { Authenticator } from './testing/totp.js';

const CASE = 'Colony 7 leak';
const PASSWORD = { admin: 'correct horse battery staple', analyst: 'analyst pass phrase 1', reviewer: 'reviewer pass phrase 2', observer: 'observer pass phrase 3' };
const kinds = process.env.CUSTODIA_E2E_DB ? DB_KINDS.filter((k) => k === process.env.CUSTODIA_E2E_DB) : DB_KINDS;

for (const kind of kinds) {
  describe(`analysts' workspace in Chromium on ${kind}`, () => {
    let inst: Instance;
    let browser: Browser;
    let shots: string;
    const take = kind === kinds[0];

    before(async () => {
      inst = await startInstance(kind, CASE);
      shots = process.env.CUSTODIA_SCREENSHOTS ?? join(inst.home, 'screenshots');
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await inst?.stop();
    });

    it('runs the whole story: setup, TOTP, case, users, annotate, incident, second-person verification, observer, accountability, ledger', async () => {
      const shot = async (page: Page, name: string) => (take ? screenshot(page, shots, name) : undefined);
      // Administrator: first-run setup with the code from the console, then TOTP enrolment.
      const admin = await personContext(browser, inst.url);
      const a = admin.page;
      await setUpAdministrator(a, inst.setupCode, { username: 'amira', displayName: 'Amira Admin', password: PASSWORD.admin }, (name) => shot(a, name));

      // Users: an analyst, a reviewer, an observer.
      await createUsers(a, [
        ['boris', 'Boris Analyst', PASSWORD.analyst],
        ['chen', 'Chen Reviewer', PASSWORD.reviewer],
        ['dana', 'Dana Observer', PASSWORD.observer],
      ]);
      await shot(a, 'users');

      // A new case from the interface; the ingested one gets its members.
      await a.goto('/#/');
      await a.getByLabel('Case name').fill('Pre-trial centre 2 (intake)');
      await a.getByRole('button', { name: 'New case' }).click();
      await a.getByRole('link', { name: 'Dashboard' }).waitFor();
      await a.goto('/#/');
      await a.getByRole('link', { name: CASE }).click();
      await a.getByTestId('item-count').waitFor();
      assert.equal(await a.getByTestId('item-count').textContent(), '3');
      await shot(a, 'case-dashboard');
      await addMembers(a, [
        ['Amira Admin (amira)', 'coordinator', null],
        ['Boris Analyst (boris)', 'analyst', 'Victims’ identities'],
        ['Chen Reviewer (chen)', 'reviewer', null],
        ['Dana Observer (dana)', 'observer', null],
      ]);
      await shot(a, 'members');

      // Analyst: signs in, enrols TOTP, then signs in again with it.
      const analyst = await personContext(browser, inst.url);
      const b = analyst.page;
      await signIn(b, 'boris', PASSWORD.analyst);
      await b.goto('/#/settings');
      await b.getByRole('button', { name: 'Set up authenticator' }).click();
      const analystTotp = new Authenticator((await b.getByTestId('totp-secret').textContent())!.trim());
      await b.getByLabel('Code from your authenticator app').fill(await analystTotp.next());
      await b.getByRole('button', { name: 'Confirm code' }).click();
      await b.getByText('Two-factor sign-in is on.').waitFor();
      await b.getByRole('button', { name: 'Sign out', exact: true }).click();
      await b.getByLabel('Username').fill('boris');
      await b.getByLabel('Password').fill(PASSWORD.analyst);
      await b.getByRole('button', { name: 'Continue' }).click();
      await b.getByLabel('Code from your authenticator app').waitFor();
      await shot(b, 'sign-in-totp');
      await b.getByLabel('Code from your authenticator app').fill(await analystTotp.next());
      await b.getByRole('button', { name: 'Sign in' }).click();
      await b.getByTestId('whoami').waitFor();

      // A victim under a pseudonym, with a protected identity (the analyst holds that grant).
      await b.getByRole('link', { name: 'Cases' }).click();
      await b.getByRole('link', { name: CASE }).click();
      await b.getByRole('link', { name: 'Persons' }).click();
      const pf = b.getByRole('form', { name: 'Add person' });
      await pf.getByLabel('Pseudonym').fill('Victim A');
      await pf.getByLabel('Real name').fill('Ivan Petrovich Sidorov');
      await pf.getByRole('button', { name: 'Add person' }).click();
      await b.getByTestId('protected-identity').waitFor();
      await shot(b, 'persons');

      // Items: filter to those with activity.
      await b.getByRole('link', { name: 'Items' }).first().click();
      await b.getByTestId('items-grid').waitFor();
      assert.equal(await b.getByTestId('items-total').textContent(), '3 items');
      await b.locator('[data-facet-value="hasActivity:true"]').check();
      await b.getByTestId('items-total').filter({ hasText: '2 items' }).waitFor();
      await shot(b, 'items');
      // Thumbnails start veiled.
      assert.equal(await b.locator('.thumb .reveal').first().getAttribute('data-revealed'), 'false');
      await b.getByRole('button', { name: 'Table' }).click();
      await b.getByTestId('items-table').waitFor();
      await shot(b, 'items-table');
      const firstPath = (await b.getByTestId('items-table').locator('tbody tr a').first().textContent())!;
      assert.match(firstPath, /ch(01|12)_/);
      await b.getByTestId('items-table').locator('tbody tr a').first().click();

      // Item view: reveal, play, time advances.
      const video = b.getByTestId('player');
      await video.waitFor({ state: 'attached' });
      // The overlay's camera label, as triage read it from the picture.
      await b.getByTestId('overlay-camera').filter({ hasText: /CAM\s*(3|12)/ }).waitFor();
      assert.equal(await video.evaluate((v: HTMLVideoElement) => v.muted), true, 'video starts muted');
      await b.locator('.player').getByRole('button', { name: 'Reveal' }).click();
      await b.locator('body').press(' ');
      await b.waitForFunction(() => (document.querySelector('[data-testid=player]') as HTMLVideoElement).currentTime > 1, undefined, { timeout: 30_000 });
      await b.locator('body').press(' ');
      assert.equal(await video.evaluate((v: HTMLVideoElement) => v.paused), true);
      // Mark 2.0 s → 5.0 s with the keyboard (I / O), tag it, and open an incident from it.
      await video.evaluate((v: HTMLVideoElement) => (v.currentTime = 2));
      await b.locator('body').press('i');
      await video.evaluate((v: HTMLVideoElement) => (v.currentTime = 5));
      await b.locator('body').press('o');
      await b.getByTestId('mark-out').filter({ hasText: '0:05.00' }).waitFor();
      assert.match((await b.getByTestId('mark-in').textContent())!, /0:02\.00/);
      const form = b.getByTestId('annotation-form');
      await form.getByText('Beating', { exact: true }).click();
      await form.getByText('Victim A (Victim)', { exact: true }).click();
      await form.getByLabel('Note').fill('Two officers drag a detainee along the corridor; blows at 0:03.');
      await shot(b, 'item-view');
      await form.getByRole('button', { name: 'New incident from this segment' }).click();
      await b.getByTestId('incident-status').filter({ hasText: 'Unreviewed' }).waitFor();
      const incidentUrl = b.url();
      // Back on the item: edit the annotation (a new version; the old one is kept).
      await b.goBack();
      const annotations = b.getByTestId('annotations');
      await annotations.getByTestId('annotation-edit').first().click();
      await b.getByTestId('annotation-editing').waitFor();
      await form.getByLabel('Note').fill('Two officers drag a detainee along the corridor; blows at 0:03 and 0:04.');
      await form.getByRole('button', { name: 'Save changes' }).click();
      await annotations.filter({ hasText: 'blows at 0:03 and 0:04' }).waitFor();
      // A second incident from another segment, whose segment is then removed again.
      await video.evaluate((v: HTMLVideoElement) => (v.currentTime = 6));
      await b.locator('body').press('i');
      await video.evaluate((v: HTMLVideoElement) => (v.currentTime = 8));
      await b.locator('body').press('o');
      await b.getByTestId('mark-out').filter({ hasText: '0:08.00' }).waitFor();
      await form.getByRole('button', { name: 'New incident from this segment' }).click();
      await b.getByTestId('incident-status').filter({ hasText: 'Unreviewed' }).waitFor();
      await b.getByTestId('incident-segment').waitFor();
      b.once('dialog', (dialog) => void dialog.accept());
      await b.getByTestId('segment-remove').click();
      await b.getByTestId('incident-segment').waitFor({ state: 'detached' });
      await b.goto(incidentUrl);
      await b.getByTestId('incident-status').filter({ hasText: 'Unreviewed' }).waitFor();
      // The author may submit, never verify their own incident.
      assert.equal(await b.getByRole('button', { name: 'Verify' }).count(), 0);
      await b.getByRole('button', { name: 'Submit for review' }).click();
      await b.getByTestId('incident-status').filter({ hasText: 'In review' }).waitFor();
      assert.equal(await b.getByRole('button', { name: 'Verify' }).count(), 0);

      // Reviewer: a second person verifies with the checklist.
      const reviewer = await personContext(browser, inst.url);
      const c = reviewer.page;
      await signIn(c, 'chen', PASSWORD.reviewer);
      await c.goto(incidentUrl.replace(inst.url, ''));
      const verify = c.getByRole('button', { name: 'Verify' });
      await verify.waitFor();
      assert.equal(await verify.isDisabled(), true, 'verification needs the whole checklist');
      await c.getByRole('checkbox', { name: 'Source analysis: provenance and chain of custody assessed' }).check();
      await c.getByRole('checkbox', { name: 'Technical analysis: file integrity, metadata and signs of editing examined' }).check();
      await c.getByRole('checkbox', { name: 'Content analysis: place, time, people and events corroborated' }).check();
      await c.getByLabel('Confidence').selectOption('high');
      await c.getByLabel('Review note').fill('Clock overlay and camera label match the facility plan.');
      await shot(c, 'incident-review');
      await verify.click();
      await c.getByTestId('incident-status').filter({ hasText: 'Verified' }).waitFor();
      await shot(c, 'incident-verified');
      assert.equal(await c.getByRole('button', { name: 'Mark public' }).count(), 0, 'a reviewer cannot mark an incident public');

      // Coordinator: marks the verified incident public with text written for the public, then builds the site.
      await a.goto(incidentUrl.replace(inst.url, ''));
      const pub = a.getByTestId('publication');
      await pub.getByRole('button', { name: 'Mark public' }).click();
      await pub.getByLabel('Public title').fill('A detainee is beaten in a corridor');
      await pub.getByLabel('Public summary').fill('Guards beat a detainee in a corridor of the colony in March 2024.');
      await pub.getByRole('button', { name: 'Mark public' }).click();
      await pub.getByText('Marked public').waitFor();
      await pub.getByRole('button', { name: 'Publish site' }).click();
      const download = pub.getByTestId('site-download');
      await download.or(pub.locator('.note-error')).first().waitFor({ timeout: 120_000 });
      if (await pub.locator('.note-error').count()) assert.fail(`Publish site failed: ${await pub.locator('.note-error').textContent()}`);
      await shot(a, 'incident-publication');
      const zip = await a.evaluate(async (href) => {
        const r = await fetch(href);
        const b = new Uint8Array(await r.arrayBuffer());
        return { status: r.status, type: r.headers.get('content-type'), magic: String.fromCharCode(b[0]!, b[1]!), text: new TextDecoder('latin1').decode(b) };
      }, (await download.getAttribute('href'))!);
      assert.deepEqual([zip.status, zip.type, zip.magic], [200, 'application/zip', 'PK']);
      assert.ok(zip.text.includes('A detainee is beaten in a corridor') && zip.text.includes('index.html'));
      assert.ok(!zip.text.includes('Clock overlay and camera label'), 'the review note is not published');

      // Observer: no edit controls, the API refuses writes, and no protected identity.
      const observer = await personContext(browser, inst.url);
      const d = observer.page;
      await signIn(d, 'dana', PASSWORD.observer);
      await d.getByRole('link', { name: CASE }).click();
      await d.getByRole('link', { name: 'Items' }).first().click();
      await d.getByTestId('items-grid').locator('a.thumb-title').first().click();
      await d.getByTestId('annotations').waitFor();
      assert.equal(await d.getByTestId('annotation-form').count(), 0, 'no annotation form for an observer');
      const itemId = d.url().split('/items/')[1]!.split('?')[0]!;
      const refused = await pageApi(d).send('POST', `/api/items/${itemId}/annotations`, { startSec: 0, endSec: 1, termIds: [], personIds: [], note: 'x' });
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
      await d.getByRole('link', { name: 'Incidents' }).click();
      await d.getByTestId('incidents').waitFor();
      assert.equal(await d.getByRole('button', { name: 'New incident' }).count(), 0);
      await d.getByRole('link', { name: 'Persons' }).click();
      await d.getByTestId('persons').waitFor();
      assert.equal(await d.getByTestId('protected-identity').count(), 0);
      assert.equal(await d.getByText('Sidorov').count(), 0);
      const caseId = d.url().split('/cases/')[1]!.split('/')[0]!;
      const persons = await pageApi(d).get(`/api/cases/${caseId}/persons`);
      assert.equal(persons.status, 200);
      assert.ok(!JSON.stringify(persons.body).includes('Sidorov'), 'the API sends the observer no protected identity');
      await shot(d, 'persons-observer');

      // Accountability: the analyst records what the evidence changed, with a source's exact words;
      // the observer reads the dashboard and cannot edit.
      const official = await pageApi(b).send('POST', `/api/cases/${caseId}/persons`, { role: 'official', pseudonym: 'Head of unit 2', positions: [{ title: 'Head of unit 2', unit: 'Unit 2', rank: 'Major' }] });
      assert.equal(official.status, 201, JSON.stringify(official.body));
      await b.goto(`/#/cases/${caseId}/accountability`);
      const sform = b.getByRole('form', { name: 'Add source' });
      await sform.getByLabel('Title').fill('Regional service statement');
      await sform.getByLabel('Publisher').fill('Regional news');
      await sform.getByRole('button', { name: 'Add source' }).click();
      await b.getByTestId('sources').getByText('Regional service statement').waitFor();
      await newProceeding(b, { type: 'dismissal', title: 'Three guards dismissed', unnamed: 3 });
      await addEvent(b, { on: '2021-10', status: 'announced', summary: 'The regional service announced the dismissals' });
      const cform = b.getByRole('form', { name: 'Add claim' });
      await cform.waitFor();
      await addClaim(cform, b.getByTestId('claim'), { quote: 'three guards were dismissed', confidence: 'high' });
      await shot(b, 'proceeding');
      await b.getByRole('link', { name: 'All proceedings' }).click();
      await addClaim(b.getByRole('form', { name: 'Add claim: Head of unit 2' }), b.getByTestId('position-claim'), { quote: 'the head of unit 2, Major' });
      await d.goto(`/#/cases/${caseId}/accountability`);
      await d.getByTestId('acc-counts').getByText('Dismissed from service').waitFor();
      await d.getByTestId('acc-timeline').getByText('Three guards dismissed').waitFor();
      await d.getByTestId('position-claims').getByText('Head of unit 2 · Unit 2 · Major').waitFor();
      assert.equal(await d.getByRole('button', { name: 'New proceeding' }).count(), 0);
      assert.equal(await d.getByRole('form', { name: 'Add source' }).count(), 0);
      await shot(d, 'accountability-dashboard');

      // The ledger says who did what.
      await a.goto(`/#/cases/${caseId}/ledger`);
      const ledger = a.getByTestId('ledger');
      await a.getByRole('heading', { name: 'Ledger' }).waitFor();
      const problem = a.locator('.note-error');
      if (await problem.count()) assert.fail(`the ledger view shows an error: ${await problem.textContent()}`);
      await ledger.waitFor();
      await ledger.locator('tbody tr').first().waitFor();
      await shot(a, 'ledger');
      const rows = await ledger.locator('tbody tr').allTextContents();
      const who = (user: string, action: RegExp) => rows.some((r) => r.includes(user) && action.test(r));
      const all = rows.join('\n');
      assert.ok(who('boris', /annotat/i), `the analyst’s annotation is in the ledger:\n${all}`);
      assert.ok(who('boris', /incident/i), `the analyst’s incident is in the ledger:\n${all}`);
      assert.ok(who('boris', /annotation-changed/), `the analyst’s annotation edit is in the ledger:\n${all}`);
      assert.ok(who('boris', /incident-evidence-removed/), `the analyst’s segment removal is in the ledger:\n${all}`);
      assert.ok(who('chen', /verif/i), `the reviewer’s verification is in the ledger:\n${all}`);
      assert.ok(who('dana', /view/i), `the observer’s viewing is in the ledger:\n${all}`);
      // Facilities tree and the Russian interface, for the record.
      if (take) {
        await a.goto('/#/facilities');
        await a.getByLabel('Name').fill('Southern region');
        await a.getByRole('button', { name: 'Add' }).click();
        await a.locator('.tree').getByText('Southern region').waitFor();
        for (const [kind, parent, name] of [
          ['facility', 'Southern region', 'Pre-trial detention centre No. 2'],
          ['unit', 'Pre-trial detention centre No. 2', 'Block B, ground floor'],
          ['camera', 'Block B, ground floor', 'CAM 3 corridor'],
        ] as const) {
          await a.getByLabel('Kind').selectOption(kind);
          await a.getByLabel('Inside').selectOption({ label: parent });
          if (kind === 'facility') await a.getByLabel('Facility type').selectOption({ index: 1 });
          await a.getByLabel('Name').fill(name);
          await a.getByRole('button', { name: 'Add' }).click();
          await a.locator('.tree').getByText(name).waitFor();
        }
        await shot(a, 'facilities');
        // Archiving hides a node from the tree (unless asked for) and from the pickers; restoring brings it back.
        const camNode = a.getByTestId('facility-node').filter({ hasText: 'CAM 3 corridor' }).last();
        a.once('dialog', (d) => void d.accept());
        await camNode.getByRole('button', { name: 'Archive' }).click();
        await a.locator('.tree').getByText('CAM 3 corridor').waitFor({ state: 'detached' });
        await a.getByLabel('Show archived (1)').check();
        await a.getByTestId('facility-archived').waitFor();
        await a.getByTestId('facility-node').filter({ hasText: 'CAM 3 corridor' }).last().getByRole('button', { name: 'Restore' }).click();
        await a.getByTestId('facility-archived').waitFor({ state: 'detached' });
        await a.goto(`/#/cases/${caseId}/items`);
        await a.getByTestId('language').selectOption('ru');
        await a.getByRole('heading', { name: 'Материалы' }).waitFor();
        await a.getByTestId('items-grid').waitFor();
        await shot(a, 'items-ru');
      }
      for (const p of [admin, analyst, reviewer, observer]) await p.context.close();
    });
  });
}
