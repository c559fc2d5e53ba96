import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { IntakeService } from './intake.service.js';

/**
 * Deletes the ciphertext of batches imported into the vault more than `retentionDays` ago, and
 * records each deletion (which files, their sizes, when imported) as an intake event the vault can
 * pull. Batches never imported are kept: the intake does not decide that evidence is unwanted.
 */
export async function purgeImported(service: IntakeService, uploadsDir: string, now = new Date()): Promise<{ batches: number; files: number }> {
  const cutoff = new Date(now.getTime() - service.limits.retentionDays * 86_400_000);
  const due = await service.repo.importedBefore(cutoff);
  let files = 0;
  for (const batch of due) {
    const list = await service.repo.files(batch.id);
    for (const f of list) {
      await rm(join(uploadsDir, f.uploadId), { force: true });
      await rm(join(uploadsDir, `${f.uploadId}.json`), { force: true });
    }
    files += list.length;
    await service.repo.db.transaction((tx) => service.repo.markPurged(tx, batch, list.map((f) => ({ uploadId: f.uploadId, size: f.size }))));
  }
  return { batches: due.length, files };
}
