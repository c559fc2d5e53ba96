// Near-duplicates through the whole pipeline, on both databases: a recording, its re-encoding at
// another resolution and bitrate, a trimmed clip (known offset) that arrives later, an exact byte
// copy under another path, another recording of the same camera, and a video with no decodable
// picture. One group with the right kinds and offsets; the rest outside it, or ended with a reason.
import assert from 'node:assert/strict';
import { copyFile, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { locateMediaTools, type MediaTools } from '@custodia/media';
import { caseReport, triageSummary, verifyLedger, type ReportItem } from '@custodia/store';
import { DB_KINDS, tempDir } from '@custodia/store/testing';
import { dedupFixtures } from '@custodia/triage/testing';
import { createWorker } from './pipeline-runtime.js';
import { formatTriage } from './commands/report.command.js';
import { ingestFolder, usePipelineVault } from './testing/pipeline-vault.js';

const TRIM_START = 12;

let tools: MediaTools;
let src: { path: string; remove: () => Promise<void> };
let first: string;
let later: string;

before(async () => {
  tools = await locateMediaTools();
  src = await tempDir('custodia-dups-src-');
  first = join(src.path, 'first');
  later = join(src.path, 'later');
  for (const d of ['cam1', 'export', 'copy', 'broken']) await mkdir(join(first, d), { recursive: true });
  await mkdir(later, { recursive: true });
  const { CORPUS_RECORDINGS, makeSceneClip, makeClipVariant } = dedupFixtures;
  const [orig, other] = await Promise.all([
    makeSceneClip(tools, join(first, 'cam1'), 'ch01_0800', CORPUS_RECORDINGS.corridor1!),
    makeSceneClip(tools, join(first, 'cam1'), 'ch01_1400', CORPUS_RECORDINGS.corridor2!), // same corridor, another day
  ]);
  await Promise.all([
    makeClipVariant(tools, orig, join(first, 'export'), 'ch01_0800_small', { kind: 'resize', width: 160, height: 120 }),
    makeClipVariant(tools, orig, later, 'incident', { kind: 'trim', startSec: TRIM_START, durSec: 14 }),
    copyFile(orig, join(first, 'copy', 'ch01_0800.mp4')),
  ]);
  void other;
  // An MP4 whose index is fine but whose picture data is zeros: nothing decodes.
  const broken = join(first, 'broken', 'ch02_0800.mp4');
  await copyFile(orig, broken);
  const bytes = await readFile(broken);
  const mdat = bytes.indexOf('mdat');
  const fh = await open(broken, 'r+');
  await fh.write(Buffer.alloc(bytes.length - mdat - 4), 0, bytes.length - mdat - 4, mdat + 4);
  await fh.close();
});
after(async () => {
  await src?.remove();
});

const byName = (items: ReportItem[], root: string) => new Map(items.map((it) => [it.path.slice(root.length + 1), it]));

for (const kind of DB_KINDS) {
  describe(`near-duplicates in the pipeline on ${kind}`, () => {
    const pv = usePipelineVault(kind);

    it('groups the re-encoding and the exact copy with the recording, not the other day of the same camera', async () => {
      const { vault, rt } = pv;
      await ingestFolder(vault, 'dups', first);
      // Two workers at once, as a deployment runs them.
      await Promise.all([createWorker(vault, rt), createWorker(vault, rt)].map(async (w) => (await w).runUntilIdle()));
      const items = byName((await caseReport(vault, 'dups')).items, first);
      const orig = items.get('cam1/ch01_0800.mp4')!.media!.duplicateGroup;
      assert.ok(orig, `the recording is in a group: ${JSON.stringify(items.get('cam1/ch01_0800.mp4')!.media!.steps)}`);
      const kinds = Object.fromEntries(orig.members.map((m) => [m.path.slice(first.length + 1), [m.kind, m.offsetSec]]));
      assert.deepEqual(Object.keys(kinds).sort(), ['cam1/ch01_0800.mp4', 'copy/ch01_0800.mp4', 'export/ch01_0800_small.mp4'], JSON.stringify(orig));
      assert.equal(kinds['copy/ch01_0800.mp4']![0], 'exact');
      assert.equal(kinds['export/ch01_0800_small.mp4']![0], 're-encoded');
      assert.ok(Math.abs(kinds['export/ch01_0800_small.mp4']![1] as number) <= 0.5);
      assert.equal(items.get('cam1/ch01_1400.mp4')!.media!.duplicateGroup, null, 'the other day of the same camera is in no group');
      const broken = items.get('broken/ch02_0800.mp4')!;
      assert.equal(broken.media!.duplicateGroup, null);
      const summary = await triageSummary(vault, await caseReport(vault, 'dups'));
      const ended = summary.ended.find((e) => e.itemId === broken.id);
      assert.ok(ended && /picture|decod|frame/i.test(ended.reason), `the undecodable video ended with a reason: ${JSON.stringify(summary.ended)}`);
      assert.ok(formatTriage(summary).some((l) => l.includes('Near-duplicate groups (1)')));
    });

    it('a trimmed clip ingested later joins the group at its offset; re-running adds nothing', async () => {
      const { vault, rt } = pv;
      await ingestFolder(vault, 'dups', later);
      await (await createWorker(vault, rt)).runUntilIdle();
      const report = await caseReport(vault, 'dups');
      const clip = report.items.find((it) => it.path.endsWith('incident.mp4'))!;
      const g = clip.media!.duplicateGroup;
      assert.ok(g, `the clip is in a group: ${JSON.stringify(clip.media!.steps)}`);
      assert.equal(g.kind, 'segment');
      assert.ok(Math.abs(g.offsetSec - TRIM_START) <= 0.5, `offset ${g.offsetSec}`);
      assert.equal(g.members.length, 4);
      const groupIds = new Set(report.items.map((it) => it.media?.duplicateGroup?.id).filter((x) => x !== undefined));
      assert.equal(groupIds.size, 1, 'one group in the case');

      // Every duplicates job again (new keys): no new ledger entry, no change.
      const count = async () => Number((await vault.db.query<{ n: string }>("SELECT count(*) AS n FROM ledger_entries WHERE action IN ('duplicates-found', 'duplicate-group-created')")).rows[0]!.n);
      const before = await count();
      for (const it of report.items) {
        if (it.sha256) await rt.queue.enqueue(vault.db, { name: 'duplicates', key: `duplicates:${it.sha256}:rerun`, payload: { sha256: it.sha256 } });
      }
      await (await createWorker(vault, rt)).runUntilIdle();
      assert.equal(await count(), before);
      const again = await caseReport(vault, 'dups');
      assert.deepEqual(
        again.items.map((it) => it.media?.duplicateGroup ?? null),
        report.items.map((it) => it.media?.duplicateGroup ?? null),
      );
      await vault.checkpoint();
      const v = await verifyLedger(vault);
      assert.equal(v.ok, true, JSON.stringify(v.problems));
    });
  });
}
