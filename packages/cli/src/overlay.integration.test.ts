import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ingest } from '@custodia/core';
import { decodeEntry } from '@custodia/ledger';
import { caseReport, initVault, verifyLedger } from '@custodia/store';
import { DB_KINDS, tempDir, testConfig } from '@custodia/store/testing';
import { fsEvidenceReader } from './evidence-reader.js';
import { attachPipeline, createWorker, releasePipeline } from './pipeline-runtime.js';

after(releasePipeline);

// 2024-03-15 14:21:52 UTC, the generator's default clock.
const START = 1710512512;

for (const kind of DB_KINDS) {
  describe(`overlay step on ${kind}`, () => {
    it('reads the burned-in clock and label of each video; records them with an overlay-read ledger entry', async () => {
      const { config, cleanup } = await testConfig(kind);
      const dir = await tempDir('custodia-overlay-');
      const vault = (await initVault(config, { actor: 'admin' })).vault;
      try {
        const { makeCctvClip } = await import('@custodia/triage/testing');
        await makeCctvClip(join(dir.path, 'cam7.mp4'), { durationSec: 4, label: 'CAM 7', clock: { startEpoch: START, position: 'top-right' }, creationTime: new Date((START + 7200) * 1000).toISOString() });
        await makeCctvClip(join(dir.path, 'bare.mp4'), { durationSec: 3, clock: false, label: false, seed: 4 });
        const rt = await attachPipeline(vault);
        await ingest(
          { caseName: 'overlay', roots: [dir.path], operator: 'a', host: 'h', toolVersion: 't' },
          { repo: vault.repo, blobs: vault.blobs, reader: fsEvidenceReader },
        );
        await (await createWorker(vault, rt)).runUntilIdle();
        await releasePipeline();
        const report = await caseReport(vault, 'overlay');
        const byName = new Map(report.items.map((it) => [it.path.slice(dir.path.length + 1), it]));
        const cam = byName.get('cam7.mp4')!.media!;
        assert.ok(cam.steps.some((s) => s.step === 'overlay' && s.state === 'done'), JSON.stringify(cam.steps));
        const o = cam.overlay!;
        assert.ok(o, 'an overlay result');
        assert.equal(o.startTime, new Date(START * 1000).toISOString(), JSON.stringify(o));
        assert.equal(o.cameraLabel, 'CAM 7');
        assert.ok(o.confidence > 0 && o.confidence <= 1);
        assert.deepEqual(o.flags.map((f) => (f as { kind: string }).kind), ['metadata-mismatch']);
        assert.ok(o.readings.filter((r) => r.time !== null).length >= 3, JSON.stringify(o.readings));
        assert.ok(o.readings.some((r) => r.atSec === 0 && r.time === new Date(START * 1000).toISOString()));
        const bare = byName.get('bare.mp4')!.media!.overlay!;
        assert.equal(bare.startTime, null);
        assert.equal((bare.flags[0] as { kind: string }).kind, 'unreadable');

        // The ledger names the input, the OCR tool and its language data.
        const rows = await vault.db.query<{ entry: string }>("SELECT entry FROM ledger_entries WHERE action = 'overlay-read' ORDER BY seq");
        assert.equal(rows.rows.length, 2);
        const entry = decodeEntry(Buffer.from(rows.rows[0]!.entry, 'utf8'));
        const details = entry.details as { sha256: string; tool: string; decoder: string; resultSha256: string };
        assert.ok([byName.get('cam7.mp4')!.sha256, byName.get('bare.mp4')!.sha256].includes(details.sha256));
        assert.deepEqual(entry.subjects, [details.sha256]);
        assert.match(details.tool, /^tesseract\.js 7\.\d+\.\d+; eng @tesseract\.js-data\/eng [\d.]+ sha256:[0-9a-f]{12}/);
        assert.match(details.decoder, /\d/);
        assert.match(details.resultSha256, /^[0-9a-f]{64}$/);
        // Append-only.
        await assert.rejects(vault.db.query("UPDATE overlay_runs SET camera_label = 'x'"));
        await assert.rejects(vault.db.query('DELETE FROM overlay_readings'));
        await vault.checkpoint();
        const v = await verifyLedger(vault);
        assert.equal(v.ok, true, JSON.stringify(v.problems));
      } finally {
        await vault.close();
        await cleanup();
        await dir.remove();
      }
    });
  });
}
