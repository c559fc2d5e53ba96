// Near-duplicates by the burned-in clock through the whole pipeline, on both databases (ADR 0025):
// a trim of a quiet stretch of a fixed camera (nothing moves in it: the pictures alone cannot tell
// it from another day of that camera) joins its recording by the overlay clock and camera label,
// at the clock's offset, with evidence 'clock'; the same camera on another day, and another camera
// with the same label at the same time, stay out.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { locateMediaTools, type MediaTools } from '@custodia/media';
import { caseReport, triageSummary } from '@custodia/store';
import { DB_KINDS, tempDir } from '@custodia/store/testing';
import { dedupFixtures } from '@custodia/triage/testing';
import { createWorker } from './pipeline-runtime.js';
import { formatTriage } from './commands/report.command.js';
import { ingestFolder, usePipelineVault } from './testing/pipeline-vault.js';

const TRIM_START = 17.4;
const EPOCH = 1712000000; // 2024-04-01 19:33:20

let tools: MediaTools;
let src: { path: string; remove: () => Promise<void> };

before(async () => {
  tools = await locateMediaTools();
  src = await tempDir('custodia-dups-clock-');
  for (const d of ['dvr', 'export']) await mkdir(join(src.path, d), { recursive: true });
  const { makeSceneClip, makeClipVariant } = dedupFixtures;
  const person = (startSec: number) => ({ startSec, durSec: 4, y: 100, w: 40, h: 100, color: '0x202020' });
  const dvr = join(src.path, 'dvr');
  const [cell] = await Promise.all([
    makeSceneClip(tools, dvr, 'cell_1933', { scene: 'cell', seconds: 40, seed: 11, clockEpoch: EPOCH, events: [person(3)] }),
    makeSceneClip(tools, dvr, 'cell_nextday', { scene: 'cell', seconds: 40, seed: 12, clockEpoch: EPOCH + 86_400, events: [person(3)] }),
    makeSceneClip(tools, dvr, 'yard_1933', { scene: 'yard', seconds: 40, seed: 13, clockEpoch: EPOCH, events: [person(3)] }),
  ]);
  await makeClipVariant(tools, cell!, join(src.path, 'export'), 'quiet', { kind: 'trim', startSec: TRIM_START, durSec: 15 });
});
after(async () => {
  await src?.remove();
});

for (const kind of DB_KINDS) {
  describe(`near-duplicates by the clock in the pipeline on ${kind}`, () => {
    const pv = usePipelineVault(kind);

    it('files a quiet trim with its recording by the clock, and nothing from another day or another camera', async () => {
      const { vault, rt } = pv;
      await ingestFolder(vault, 'clock', src.path);
      await (await createWorker(vault, rt)).runUntilIdle();
      const report = await caseReport(vault, 'clock');
      const item = (name: string) => report.items.find((it) => it.path.endsWith(name))!;
      const g = item('quiet.mp4').media!.duplicateGroup;
      assert.ok(g, `the quiet trim is in a group: ${JSON.stringify(item('quiet.mp4').media)}`);
      const members = Object.fromEntries(g.members.map((m) => [m.path.slice(src.path.length + 1), m]));
      assert.deepEqual(Object.keys(members).sort(), ['dvr/cell_1933.mp4', 'export/quiet.mp4'], JSON.stringify(g));
      assert.equal(g.kind, 'segment');
      assert.ok(Math.abs(g.offsetSec - TRIM_START) <= 1, `offset ${g.offsetSec}`);
      assert.equal(members['export/quiet.mp4']!.evidence, 'clock');
      assert.equal(item('cell_nextday.mp4').media!.duplicateGroup, null, 'another day of the same camera');
      assert.equal(item('yard_1933.mp4').media!.duplicateGroup, null, 'another camera, same label and time');
      const lines = formatTriage(await triageSummary(vault, report));
      assert.ok(lines.some((l) => l.includes('quiet.mp4') && l.includes('(by the burned-in clock)')), lines.join('\n'));
      // The ledger says what linked it.
      const e = await vault.db.query<{ entry: string }>("SELECT entry FROM ledger_entries WHERE action = 'duplicates-found'");
      assert.ok(e.rows.some((r) => r.entry.includes('"evidence":"clock"')));
    });
  });
}
