import { randomBytes } from 'node:crypto';
import { FileStore } from '@tus/file-store';
import { Server, type Upload } from '@tus/server';
import { httpStatus, publicMessage } from './http-errors.js';
import type { IntakeService } from './intake.service.js';

/** tus errors must be `{ status_code, body }` objects to reach the client with their message. */
function refusal(e: unknown): { status_code: number; body: string } {
  return { status_code: httpStatus(e), body: `${publicMessage(e)}\n` };
}

export function bearer(req: Request): string | null {
  const h = req.headers.get('authorization');
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : null;
}

/**
 * The tus endpoint (`/files/`): resumable uploads of age ciphertext onto the intake's data folder.
 * Every request carries the source's session token; an upload can be continued only by the
 * submission that created it, and never deleted by the client (what arrived is kept).
 */
export function createTusServer(service: IntakeService, uploadsDir: string): Server {
  return new Server({
    path: '/files',
    datastore: new FileStore({ directory: uploadsDir }),
    relativeLocation: true,
    respectForwardedHeaders: false,
    maxSize: service.limits.maxFileBytes,
    disableTerminationForFinishedUploads: true,
    namingFunction: () => `up-${randomBytes(12).toString('hex')}`,
    async onIncomingRequest(req, uploadId) {
      if (req.method === 'DELETE') throw { status_code: 403, body: 'uploads cannot be deleted by the client\n' };
      try {
        const submissionId = await service.authenticate(bearer(req));
        if (req.method !== 'POST') {
          const owner = await service.uploadOwner(uploadId);
          if (owner !== submissionId) throw { status_code: 404, body: 'no such upload\n' };
        }
      } catch (e) {
        if (e && typeof e === 'object' && 'status_code' in e) throw e;
        throw refusal(e);
      }
    },
    async onUploadCreate(req, upload: Upload) {
      try {
        const submissionId = await service.authenticate(bearer(req));
        const batch = upload.metadata?.batch;
        if (!batch) throw { status_code: 400, body: 'Upload-Metadata must name the batch\n' };
        await service.declareUpload(submissionId, batch, upload.size ?? -1, upload.id);
        // Only the batch id is kept in the store's metadata: never a file name.
        return { metadata: { batch } };
      } catch (e) {
        if (e && typeof e === 'object' && 'status_code' in e) throw e;
        throw refusal(e);
      }
    },
    async onUploadFinish(_req, upload: Upload) {
      await service.repo.completeFile(upload.id);
      return {};
    },
  });
}
