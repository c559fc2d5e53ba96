import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  addSegment, contentHash, createAnnotation, createFacility, createIncident, createPerson, markPublic, submitIncident, verifyIncident, type Caller, type Checklist,
} from '@custodia/core';
import { documentationRepos, openVault, pgCaller, type Config, type Vault } from '@custodia/store';
import { DB_KINDS, tempDir, testConfig } from '@custodia/store/testing';
import { makeVideo } from './testing/evidence-fixture.js';
import { cliEnv, runCli } from './testing/run-cli.js';

const BUILD_VERIFIER = fileURLToPath(new URL('../../../scripts/build-verifier.mjs', import.meta.url));

/** Every value that must never reach the public site, each distinctive enough to be searched for. */
const P = {
  caseName: 'Case-SECRET-Harrier',
  sourceDir: 'SOURCE-DIR-Zarechny7731',
  sourceFile: 'camera-secret-7731.mp4',
  otherFile: 'second-secret-4410.mp4',
  realName: 'REALNAME-Ivanov-Qx71',
  birthDate: '1987-11-23',
  identityNote: 'IDENTITY-NOTE-mother-lives-in-Pskov',
  victimPseudonym: 'PSEUDO-Kestrel',
  officerPseudonym: 'OFFICER-PSEUDO-Lynx',
  sourcePseudonym: 'SOURCE-PERSON-Heron',
  sourceRealName: 'SOURCE-REALNAME-Petrova',
  internalTitle: 'INTERNAL-TITLE-Osprey',
  description: 'INTERNAL-DESC-Falcon witnessed by the night shift',
  place: 'PLACE-Corridor-Wren',
  annotationNote: 'ANNOTATION-NOTE-Plover',
  checklistNote: 'CHECKLIST-NOTE-Gull',
  reviewNote: 'REVIEW-NOTE-Tern',
  redactionTitle: 'REDACTION-TITLE-Crane',
  unmarkedTitle: 'UNMARKED-TITLE-Swift',
  operator: 'opsmith-9931',
  users: ['analyst-quill', 'reviewer-marten', 'coord-vance', 'keeper-gina'] as const,
};

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

function render(input: string, output: string, filter: string): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', input, '-vf', filter, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-an', output]);
}

/** A rendered redaction as the redaction studio records it: a blob, its ledger entry (by a person), the row. */
async function storeRedaction(
  vault: Vault,
  r: { caseId: number; itemId: number; source: string; file: string; status: 'approved' | 'rendered'; creator: number; reviewer: number; renderer: string },
): Promise<{ id: number; output: string }> {
  const put = await vault.blobs.put(createReadStream(r.file));
  const recipe = { boxes: [{ x: 0.1, y: 0.1, w: 0.3, h: 0.3, from: 0, to: 2 }], effect: 'blur' };
  return vault.db.transaction(async (tx) => {
    await tx.query('INSERT INTO blobs (sha256, size) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING', [put.sha256, put.size]);
    const id = Number(
      (
        await tx.query<{ id: number }>(
          `INSERT INTO redactions (case_id, item_id, source_sha256, title, recipe, recipe_sha256, status, output_sha256, created_by, rendered_by, rendered_at, reviewed_by, reviewed_at, review_note)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $9, now(), $10, $11, $12) RETURNING id`,
          [r.caseId, r.itemId, r.source, P.redactionTitle, JSON.stringify(recipe), contentHash(recipe), r.status, put.sha256, r.creator, r.status === 'approved' ? r.reviewer : null, r.status === 'approved' ? new Date() : null, P.reviewNote],
        )
      ).rows[0]!.id,
    );
    await vault.ledger.append(tx, {
      actor: `user:${r.renderer}`,
      action: 'redaction-rendered',
      subjects: [r.source, put.sha256].sort(),
      details: { redaction: id, source: r.source, output: put.sha256, recipeSha256: contentHash(recipe), title: P.redactionTitle },
    });
    return { id, output: put.sha256 };
  });
}

for (const kind of DB_KINDS) {
  describe(`custodia publish on ${kind}`, () => {
    let cfg: Config;
    let cleanup: () => Promise<void>;
    let env: NodeJS.ProcessEnv;
    let work: { path: string; remove: () => Promise<void> };
    let site: string;
    let originals: string[];
    let unapprovedOutput: string;
    let approvedOutput: string;
    let publishedOriginal: string;
    let verifierKey: string;
    let incidentId: number;
    const protectedValues = () => [
      ...Object.entries(P).filter(([k]) => k !== 'users').map(([, v]) => v as string),
      ...P.users,
      unapprovedOutput,
      'Unit 2', // the internal unit inside the facility is not public
      'redaction-rendered', // the render entry's text stays inside
    ];

    before(async () => {
      execFileSync(process.execPath, [BUILD_VERIFIER], { stdio: ['ignore', 'ignore', 'pipe'] });
      ({ config: cfg, cleanup } = await testConfig(kind));
      env = cliEnv(cfg, { CUSTODIA_OPERATOR: P.operator, CUSTODIA_PIPELINE_STEPS: 'probe' });
      work = await tempDir('custodia-publish-');
      const usb = join(work.path, P.sourceDir);
      await mkdir(usb, { recursive: true });
      makeVideo(join(usb, P.sourceFile), { pattern: 'testsrc', seconds: 2 });
      makeVideo(join(usb, P.otherFile), { pattern: 'smptebars', seconds: 2 });
      assert.equal((await runCli(['init'], env)).code, 0);
      const ing = await runCli(['ingest', usb, '--case', P.caseName, '--no-progress'], env);
      assert.equal(ing.code, 0, ing.stdout + ing.stderr);

      const vault = await openVault(cfg);
      try {
        verifierKey = vault.instance.verifierKey;
        const db = vault.db;
        const kase = (await vault.repo.findCase(P.caseName))!;
        const items = (await vault.repo.itemsOfCase(kase.id)).filter((i) => i.sha256);
        const item = items.find((i) => i.displayPath.endsWith(P.sourceFile))!;
        const other = items.find((i) => i.displayPath.endsWith(P.otherFile))!;
        originals = items.map((i) => i.sha256!);
        const as: Record<string, Caller> = {};
        const ids: Record<string, number> = {};
        for (const [name, role, grants] of [[P.users[0], 'analyst', []], [P.users[1], 'reviewer', []], [P.users[2], 'coordinator', []], [P.users[3], 'analyst', ['protected-identities']]] as const) {
          const id = Number((await db.query<{ id: number }>(`INSERT INTO users (username, display_name, password_hash) VALUES ($1, $1, 'x') RETURNING id`, [name])).rows[0]!.id);
          await db.query('INSERT INTO memberships (case_id, user_id, role, grants) VALUES ($1, $2, $3, $4::text[])', [kase.id, id, role, grants]);
          as[name] = pgCaller(db, { id, username: name, isAdmin: false });
          ids[name] = id;
        }
        const [analyst, reviewer, coord, keeper] = P.users.map((u) => as[u]!);
        const repos = documentationRepos(db, vault.ledger);
        const region = await createFacility(repos, coord!, { kind: 'region', name: 'Vladimir Oblast', parentId: null, facilityTypeTermId: null, overlayLabel: null });
        const colony = await createFacility(repos, coord!, { kind: 'facility', name: 'IK-6 Pokrov', parentId: region.id, facilityTypeTermId: null, overlayLabel: null });
        const unit = await createFacility(repos, coord!, { kind: 'unit', name: 'Unit 2', parentId: colony.id, facilityTypeTermId: null, overlayLabel: null });
        const victim = await createPerson(repos, keeper!, {
          caseId: kase.id, role: 'victim', pseudonym: P.victimPseudonym, positions: [], protected: { realName: P.realName, birthDate: P.birthDate, notes: P.identityNote },
        });
        const officer = await createPerson(repos, analyst!, { caseId: kase.id, role: 'perpetrator', pseudonym: P.officerPseudonym, positions: [] });
        await createPerson(repos, keeper!, { caseId: kase.id, role: 'other', pseudonym: P.sourcePseudonym, positions: [], protected: { realName: P.sourceRealName, birthDate: null, notes: null } });
        const beating = (await repos.taxonomy.terms('ill-treatment')).find((t) => t.key === 'beating')!;
        const inc = await createIncident(repos, analyst!, kase.id, {
          title: P.internalTitle, facilityId: unit.id, cameraId: null, place: P.place, occurredFrom: '2021-03-04T02:10:00Z', occurredTo: '2021-03-04T02:14:00Z',
          timeSource: 'overlay', victimIds: [victim.id], perpetratorIds: [officer.id], termIds: [beating.id], description: P.description,
        });
        incidentId = inc.id;
        await createAnnotation(repos, analyst!, item.id, { startSec: 0, endSec: 1, termIds: [beating.id], personIds: [victim.id, officer.id], incidentId: inc.id, note: P.annotationNote });
        await addSegment(repos, analyst!, inc.id, { itemId: item.id, startSec: 0, endSec: 2, annotationId: null });
        await createIncident(repos, analyst!, kase.id, {
          title: P.unmarkedTitle, facilityId: colony.id, cameraId: null, place: null, occurredFrom: null, occurredTo: null, timeSource: 'manual', victimIds: [], perpetratorIds: [], termIds: [], description: '',
        });

        const blurred = join(work.path, 'blurred.mp4');
        render(vault.blobs.localPath(item.sha256!), blurred, 'boxblur=8:2');
        const approved = await storeRedaction(vault, { caseId: kase.id, itemId: item.id, source: item.sha256!, file: blurred, status: 'approved', creator: ids[P.users[0]!]!, reviewer: ids[P.users[1]!]!, renderer: P.users[0]! });
        approvedOutput = approved.output;
        publishedOriginal = item.sha256!;
        const draft = join(work.path, 'draft.mp4');
        render(vault.blobs.localPath(item.sha256!), draft, 'negate');
        unapprovedOutput = (await storeRedaction(vault, { caseId: kase.id, itemId: item.id, source: item.sha256!, file: draft, status: 'rendered', creator: ids[P.users[0]!]!, reviewer: ids[P.users[1]!]!, renderer: P.users[0]! })).output;
        const otherDraft = join(work.path, 'other.mp4');
        render(vault.blobs.localPath(other.sha256!), otherDraft, 'boxblur=4:1');
        await storeRedaction(vault, { caseId: kase.id, itemId: other.id, source: other.sha256!, file: otherDraft, status: 'approved', creator: ids[P.users[0]!]!, reviewer: ids[P.users[1]!]!, renderer: P.users[0]! });

        const checklist: Checklist = { source: { done: true, note: P.checklistNote }, technical: { done: true, note: P.checklistNote }, content: { done: true, note: P.checklistNote } };
        const mark = { title: 'Beating of a detainee in IK-6', summary: 'A detainee is beaten by guards in a corridor at night.', redactionIds: [approved.id] };
        await assert.rejects(markPublic(repos, coord!, inc.id, mark), { code: 'Conflict' }, 'not verified yet');
        await submitIncident(repos, analyst!, inc.id, { note: P.reviewNote });
        await verifyIncident(repos, reviewer!, inc.id, { checklist, confidence: 'high', note: P.reviewNote });
        await assert.rejects(markPublic(repos, analyst!, inc.id, mark), { code: 'Forbidden' }, 'an analyst cannot mark');
        await markPublic(repos, coord!, inc.id, mark);
      } finally {
        await vault.close();
      }
      site = join(work.path, 'site');
      const r = await runCli(['publish', '--case', P.caseName, '--out', site, '--json'], env);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const summary = JSON.parse(r.stdout);
      assert.deepEqual([summary.incidents, summary.videos, summary.skipped], [1, 1, []]);
    });

    after(async () => {
      await work?.remove();
      await cleanup?.();
    });

    it('no protected value is in any file of the site, and no original or unapproved render is', async () => {
      const files = await walk(site);
      assert.ok(files.length > 10, files.join('\n'));
      const forbidden = protectedValues();
      // The scan finds what is meant to be there (so it would find a leak).
      const all = Buffer.concat(await Promise.all(files.map((f) => readFile(f)))).toString('utf8');
      for (const v of ['Beating of a detainee in IK-6', approvedOutput, publishedOriginal]) assert.ok(all.includes(v), `the scan misses ${v}`);
      for (const f of files) {
        const bytes = await readFile(f);
        const text = bytes.toString('utf8');
        const latin = bytes.toString('latin1');
        for (const v of forbidden) {
          assert.ok(!text.includes(v) && !latin.includes(v), `${relative(site, f)} contains the protected value ${JSON.stringify(v)}`);
        }
        const h = sha256(bytes);
        assert.ok(!originals.includes(h), `${relative(site, f)} is an original`);
        assert.notEqual(h, unapprovedOutput, `${relative(site, f)} is the unapproved render`);
      }
    });

    it('shows what must be public: title, facility and region, type, detainee count, the redacted video, its poster and statement', async () => {
      const index = await readFile(join(site, 'index.html'), 'utf8');
      const page = await readFile(join(site, 'incidents', `${incidentId}.html`), 'utf8');
      for (const html of [index, page]) {
        for (const s of ['Beating of a detainee in IK-6', 'A detainee is beaten by guards', 'IK-6 Pokrov', 'Vladimir Oblast', 'Beating', 'one detainee', '2021-03-04 02:10 UTC']) {
          assert.ok(html.includes(s), `missing ${s}`);
        }
      }
      const video = join(site, 'media', `${approvedOutput}.mp4`);
      assert.equal(sha256(await readFile(video)), approvedOutput);
      const poster = await readFile(join(site, 'media', `${approvedOutput}.poster.jpg`));
      assert.deepEqual([...poster.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG poster');
      assert.match(page, new RegExp(`<video controls preload="none"[^>]*poster="../media/${approvedOutput}.poster.jpg"`));
      assert.ok(page.includes(`src="../media/${approvedOutput}.mp4"`));
      assert.ok(page.includes(`SHA-256 <span class="hash">${publishedOriginal}</span> (the original recording)`), 'the original recording is named by its hash');
      const folder = join(site, 'verification', approvedOutput);
      const entry = JSON.parse((await readFile(join(folder, 'ledger', 'entries.jsonl'), 'utf8')).trim());
      assert.equal(entry.action, 'publication-statement');
      assert.equal(entry.actor, 'publication');
      assert.equal(entry.details.derivative, approvedOutput);
      assert.equal(entry.details.original, publishedOriginal);
      const checkpoint = await readFile(join(folder, 'ledger', 'checkpoint.txt'), 'utf8');
      const treeSize = Number(checkpoint.split('\n')[1]);
      assert.ok(page.includes(`tree size ${treeSize}`) && page.includes(`entry #${entry.seq}`));
      const render = JSON.parse(await readFile(join(folder, 'render-entry.json'), 'utf8'));
      assert.equal(render.treeSize, treeSize);
      assert.ok(page.includes(render.leafHashHex));
      assert.ok(!(await readFile(join(site, 'index.html'), 'utf8')).includes('UNMARKED'));
      // The Russian edition: the same content, Russian words and taxonomy labels, the same shared video.
      const ru = await readFile(join(site, 'ru', 'incidents', `${incidentId}.html`), 'utf8');
      assert.match(ru, /<html lang="ru">/);
      for (const s of ['Beating of a detainee in IK-6', 'Избиение', 'один задержанный', 'Заявление для проверки', `src="../../media/${approvedOutput}.mp4"`, `href="../../incidents/${incidentId}.html"`]) {
        assert.ok(ru.includes(s), `the Russian page misses ${s}`);
      }
    });

    it('each video verifies offline with sha256sum and the court verifier, and tampering is caught', async () => {
      const ok = spawnSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: site, encoding: 'utf8' });
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);
      const v = spawnSync(process.execPath, ['verification/verify.js', `verification/${approvedOutput}`, '--key', verifierKey, '--json'], { cwd: site, encoding: 'utf8', env: { PATH: process.env.PATH } });
      const r = JSON.parse(v.stdout);
      assert.equal(v.status, 0, JSON.stringify(r.problems));
      assert.deepEqual([r.ok, r.checkpoint.signed, r.ledger.entries, r.ledger.included], [true, true, 1, 1]);
      // The render entry, withheld, is proven by its leaf hash: verify.js checks its proof and that the statement names it.
      const renderFile = join(site, 'verification', approvedOutput, 'render-entry.json');
      const render = JSON.parse(await readFile(renderFile, 'utf8'));
      assert.deepEqual(r.ledger.leafProofs, [{ file: 'render-entry.json', seq: render.seq, leafHashHex: render.leafHashHex, included: true }]);
      const human = spawnSync(process.execPath, ['verification/verify.js', `verification/${approvedOutput}`, '--key', verifierKey], { cwd: site, encoding: 'utf8' });
      assert.match(human.stdout, new RegExp(`Entry #${render.seq} \\(text withheld, render-entry\\.json\\): leaf hash ${render.leafHashHex} proven included`));
      for (const [what, change, expected] of [
        ['a hash of its inclusion proof', (x: typeof render) => ({ ...x, inclusionProof: [(x.inclusionProof[0][0] === '0' ? '1' : '0') + x.inclusionProof[0].slice(1), ...x.inclusionProof.slice(1)] }), /inclusion proof of entry #\d+'s leaf hash does not lead to the signed root/],
        ['its leaf hash', (x: typeof render) => ({ ...x, leafHashHex: '0'.repeat(64) }), /does not lead to the signed root/],
      ] as const) {
        const folder = join(work.path, 'render-tampered');
        await cp(join(site, 'verification'), folder, { recursive: true });
        try {
          await writeFile(join(folder, approvedOutput, 'render-entry.json'), JSON.stringify(change(render), null, 2) + '\n');
          const t = spawnSync(process.execPath, ['verify.js', approvedOutput, '--key', verifierKey, '--json'], { cwd: folder, encoding: 'utf8' });
          assert.equal(t.status, 1, `a change to ${what} fails`);
          const problems = JSON.parse(t.stdout).problems as { where: string; what: string }[];
          assert.ok(problems.some((p) => p.where === 'render-entry.json' && expected.test(p.what)), `${what}: ${JSON.stringify(problems)}`);
          if (what === 'its leaf hash') {
            assert.ok(problems.some((p) => /^ledger\/entries\.jsonl line 1/.test(p.where) && /names entry #\d+ with leaf hash/.test(p.what)), JSON.stringify(problems));
          }
        } finally {
          await rm(folder, { recursive: true, force: true });
        }
      }

      // A changed statement or a changed video is caught.
      const copy = join(work.path, 'tampered');
      await cp(site, copy, { recursive: true });
      const entries = join(copy, 'verification', approvedOutput, 'ledger', 'entries.jsonl');
      await writeFile(entries, (await readFile(entries, 'utf8')).replace(/"original":"[0-9a-f]{64}"/, `"original":"${'0'.repeat(64)}"`));
      const bad = spawnSync(process.execPath, ['verification/verify.js', `verification/${approvedOutput}`, '--key', verifierKey], { cwd: copy, encoding: 'utf8' });
      assert.equal(bad.status, 1, bad.stdout);
      assert.match(bad.stdout, /FAILED/);
      const media = join(copy, 'media', `${approvedOutput}.mp4`);
      const b = await readFile(media);
      b[b.length - 10] = b[b.length - 10]! ^ 1;
      await writeFile(media, b);
      const sums = spawnSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: copy, encoding: 'utf8' });
      assert.equal(sums.status, 1);
      assert.match(sums.stdout, new RegExp(`media/${approvedOutput}.mp4: FAILED`));
    });

    it('refuses bad input with exit code 2 and says what is wrong; a second build reuses the statements', async () => {
      const unknown = await runCli(['publish', '--case', 'No such case', '--out', join(work.path, 'x')], env);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /no case named "No such case"; cases: "Case-SECRET-Harrier"/);
      const exists = await runCli(['publish', '--case', P.caseName, '--out', site], env);
      assert.equal(exists.code, 2);
      assert.match(exists.stderr, /already exists: choose a new folder/);
      const noOut = await runCli(['publish', '--case', P.caseName], env);
      assert.equal(noOut.code, 2);
      assert.match(noOut.stderr, /--out/);
      assert.ok(!existsSync(join(work.path, 'x')));

      const again = join(work.path, 'site-2');
      const r = await runCli(['publish', '--case', P.caseName, '--out', again, '--zip'], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Public site written: .*site-2 \(and .*site-2\.zip\)/);
      const first = (await readFile(join(site, 'verification', approvedOutput, 'ledger', 'entries.jsonl'), 'utf8'));
      const second = (await readFile(join(again, 'verification', approvedOutput, 'ledger', 'entries.jsonl'), 'utf8'));
      assert.equal(second, first, 'the same statement entry, not a new one per build');
      const zip = (await readFile(`${again}.zip`)).toString('latin1');
      assert.ok(zip.includes('Beating of a detainee in IK-6'));
      for (const v of protectedValues()) assert.ok(!zip.includes(Buffer.from(v, 'utf8').toString('latin1')), `the zip contains ${v}`);
    });

    it('pages are self-contained: no script, no external or absolute src/href, every link resolves', async () => {
      const files = await walk(site);
      for (const f of files.filter((x) => /\.(html|txt|json|jsonl)$/.test(x))) {
        const text = await readFile(f, 'utf8');
        assert.doesNotMatch(text, /https?:\/\//i, `${relative(site, f)} names an external URL`);
        if (!f.endsWith('.html')) continue;
        assert.match(text, /^<!DOCTYPE html>\n<html lang="(en|ru)">/);
        assert.match(text, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
        assert.doesNotMatch(text, /<script|<link |<iframe|@import|url\(/i, `${relative(site, f)}`);
        for (const m of text.matchAll(/\b(?:src|href|poster)\s*=\s*"([^"]*)"/g)) {
          const target = m[1]!;
          assert.doesNotMatch(target, /^(?:[a-z][a-z0-9+.-]*:|\/)/i, `${relative(site, f)}: ${target} is not relative`);
          assert.ok(existsSync(join(dirname(f), target.split('#')[0]!)), `${relative(site, f)}: ${target} does not exist`);
        }
        // Elements are balanced (void elements aside).
        const stack: string[] = [];
        for (const t of text.matchAll(/<(\/?)([a-z][a-z0-9]*)\b[^>]*>/g)) {
          const [, close, name] = t;
          if (['meta', 'br', 'img', 'source', 'input', 'link', 'hr'].includes(name!)) continue;
          if (!close) stack.push(name!);
          else assert.equal(stack.pop(), name, `${relative(site, f)}: </${name}> closes <${stack[stack.length]}>`);
        }
        assert.deepEqual(stack, [], `${relative(site, f)}: unclosed elements`);
      }
    });
  });
}
