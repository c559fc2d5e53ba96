import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IntakeClient } from '../client/intake-client.js';
import { generateCodename } from '../crypto/codename.js';
import { nodeChunkSeal } from '../node/node-age.js';
import { deterministicReader } from '../testing/deterministic-bytes.js';
import { startHarness } from '../testing/intake-harness.js';
import { PullClient } from '../vault/pull.client.js';
import { purgeImported } from './retention.use-case.js';

describe('retention', () => {
  it('deletes ciphertext only after import plus the retention period, and records the deletion', { timeout: 5 * 60_000 }, async () => {
    const h = await startHarness('pglite', { retentionDays: 30 });
    try {
      const src = new IntakeClient(h.url, nodeChunkSeal);
      await src.create('videos', generateCodename());
      const kept = await src.newBatch();
      const keptFile = await src.uploadFile(kept, deterministicReader(1, 10_000), { path: 'a', mtime: null });
      await src.sealBatch(kept, [keptFile]);
      const done = await src.newBatch();
      const doneFile = await src.uploadFile(done, deterministicReader(2, 10_000), { path: 'b', mtime: null });
      await src.sealBatch(done, [doneFile]);
      const pull = new PullClient(h.url, h.pullToken);
      await pull.markImported([done], '17');

      const in29 = new Date(Date.now() + 29 * 86_400_000);
      assert.deepEqual(await purgeImported(h.intake.service, h.intake.uploadsDir, in29), { batches: 0, files: 0 });
      const in31 = new Date(Date.now() + 31 * 86_400_000);
      assert.deepEqual(await purgeImported(h.intake.service, h.intake.uploadsDir, in31), { batches: 1, files: 1 });
      assert.ok(!existsSync(join(h.intake.uploadsDir, doneFile.uploadId)));
      assert.ok(existsSync(join(h.intake.uploadsDir, keptFile.uploadId)), 'a batch never imported is kept');
      const events = await h.intake.service.repo.events();
      assert.deepEqual(events.map((e) => e.kind), ['imported', 'purged']);
      assert.deepEqual((events[1]!.detail as { files: { uploadId: string }[] }).files.map((f) => f.uploadId), [doneFile.uploadId]);
      const [sub] = await pull.submissions();
      assert.ok(sub!.batches.find((b) => b.id === done)!.purgedAt);
    } finally {
      await h.close();
    }
  });
});
