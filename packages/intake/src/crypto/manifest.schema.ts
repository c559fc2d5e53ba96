import { z } from 'zod';
import { MANIFEST_FORMAT } from './manifest.js';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** A decrypted manifest is still untrusted input (the source's device wrote it): validated here. */
export const ManifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  batchId: z.string().regex(/^bat-[0-9a-f]{20}$/),
  createdAt: z.string(),
  files: z
    .array(
      z.object({
        uploadId: z.string().regex(/^up-[0-9a-f]{24}$/),
        path: z
          .string()
          .min(1)
          .max(4096)
          .refine((p) => !p.startsWith('/') && !p.split('/').some((s) => s === '..' || s === '.' || s === '') && !p.includes('\0'), 'must be a relative path without "..", "." or empty parts'),
        size: z.number().int().nonnegative(),
        mtime: z.string().nullable(),
        sha256: Sha256,
        paddedSize: z.number().int().nonnegative(),
      }),
    )
    .max(1_000_000),
});
