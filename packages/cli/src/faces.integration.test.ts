import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ingest } from '@custodia/core';
import { locateMediaTools } from '@custodia/media';
import { caseReport, initVault, verifyLedger } from '@custodia/store';
import { DB_KINDS, tempDir, testConfig } from '@custodia/store/testing';
import { closeFacePool } from '@custodia/triage';
import { faceClips } from '@custodia/triage/testing';
import { fsEvidenceReader } from './evidence-reader.js';
import { attachPipeline, createWorker } from './pipeline-runtime.js';

after(() => closeFacePool());

for (const kind of DB_KINDS) {
  describe(`faces step on ${kind}`, () => {
    it('records face boxes and a "faces-detected" ledger entry in the job\'s transaction; the report counts them', async () => {
      const { config, cleanup } = await testConfig(kind);
      const dir = await tempDir('custodia-faces-');
      const vault = (await initVault(config, { actor: 'admin' })).vault;
      try {
        const tools = await locateMediaTools();
        // A photo of three people shown from 1.5 s to 3.5 s in a 4 s noisy scene.
        await faceClips.makeFaceClip(tools, join(dir.path, 'cam2.mp4'), { photo: faceClips.faceDemoPhoto(1), x: 400, y: 150, width: 640, fromSec: 1.5, toSec: 3.5, durationSec: 4 });
        const rt = await attachPipeline(vault);
        await ingest(
          { caseName: 'faces', roots: [dir.path], operator: 'a', host: 'h', toolVersion: 't' },
          { repo: vault.repo, blobs: vault.blobs, reader: fsEvidenceReader },
        );
        await (await createWorker(vault, rt)).runUntilIdle();

        const [item] = (await caseReport(vault, 'faces')).items;
        const m = item!.media!;
        const step = m.steps.find((s) => s.step === 'faces');
        assert.equal(step?.state, 'done', JSON.stringify(m.steps));
        const f = m.faces;
        assert.ok(f, 'faces in the report');
        assert.match(f.model, /^ssd-mobilenet-v1 .*face-api /);
        assert.equal(f.sampleFps, 1);
        assert.equal(f.frames, 4);
        assert.equal(f.framesWithFaces, 2, 'faces at 2 s and 3 s, none on the empty scene');
        assert.ok(f.maxFaces >= 2 && f.maxFaces <= 3, `max faces ${f.maxFaces}`);
        assert.ok(f.boxes >= 4 && f.boxes <= 6, `boxes ${f.boxes}`);
        assert.equal((item as unknown as { faces?: unknown }).faces, undefined, 'counts only, inside media');

        const sha = item!.sha256!;
        const boxes = await vault.faces.boxesOf(sha, tools.version, f.model);
        assert.equal(boxes.length, f.boxes);
        assert.deepEqual([...new Set(boxes.map((b) => b.tSec))], [2, 3]);
        for (const b of boxes) assert.ok(b.x >= 0.3 && b.x + b.w <= 0.85 && b.y >= 0.2 && b.y + b.h <= 0.85, `inside the photo's place: ${JSON.stringify(b)}`);

        const entries = await vault.db.query<{ entry: string; seq: string }>("SELECT entry, seq FROM ledger_entries WHERE action = 'faces-detected'");
        assert.equal(entries.rows.length, 1);
        const e = JSON.parse(entries.rows[0]!.entry) as { subjects: string[]; details: Record<string, unknown> };
        assert.deepEqual(e.subjects, [sha]);
        assert.equal(e.details.sha256, sha);
        assert.equal(e.details.model, f.model);
        assert.equal(e.details.tool, tools.version);
        assert.equal(e.details.sampleFps, 1);
        assert.equal(e.details.frames, 4);
        assert.equal(e.details.framesWithFaces, 2);
        assert.equal(e.details.boxes, f.boxes);
        assert.match(String(e.details.boxesSha256), /^[0-9a-f]{64}$/);
        const run = await vault.db.query<{ ledger_seq: string }>('SELECT ledger_seq FROM face_runs WHERE sha256 = $1', [sha]);
        assert.equal(String(run.rows[0]!.ledger_seq), String(entries.rows[0]!.seq));

        // Evidence records are append-only.
        await assert.rejects(vault.db.query('UPDATE face_boxes SET score = 1'), /append-only/);
        await assert.rejects(vault.db.query('DELETE FROM face_runs'), /append-only/);
        // A second recording of the same run changes nothing.
        const again = await vault.db.transaction((tx) => vault.faces.recordFaces(tx, { sha256: sha, tool: tools.version, model: f.model, sampleFps: 1, frames: 4, framesWithFaces: 2, maxFaces: f.maxFaces, boxes: [] }, 'test'));
        assert.equal(again.recorded, false);

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
