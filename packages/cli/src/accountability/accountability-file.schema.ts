import { z } from 'zod';
import { EVENT_STATUSES, PROCEEDING_TYPES, SOURCE_KINDS, type ImportFile } from '@custodia/core';

/**
 * The accountability import file, format "custodia-accountability/1" (docs/adr/0019-accountability.md).
 * Unknown keys are refused everywhere; keys link records within the file and make re-imports idempotent.
 */
const key = z.string().trim().min(1).max(200);
const partialDate = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'a date as YYYY, YYYY-MM or YYYY-MM-DD').nullable();
const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => text(max).nullable().optional();

const claim = z.strictObject({ source: key, quote: text(5000), confidence: z.enum(['low', 'medium', 'high']) });

export const accountabilityFileSchema = z.strictObject({
  format: z.literal('custodia-accountability/1'),
  label: optionalText(300),
  sources: z
    .array(
      z.strictObject({
        key,
        kind: z.enum(SOURCE_KINDS),
        title: text(500),
        publisher: optionalText(300),
        url: z.string().trim().url().max(2000).nullable().optional(),
        publishedOn: partialDate.optional(),
        retrievedAt: z.iso.datetime({ offset: true }).nullable().optional(),
        capturedCopy: text(1000).nullable().optional(),
      }),
    )
    .default([]),
  persons: z
    .array(
      z.strictObject({
        key,
        role: z.enum(['victim', 'perpetrator', 'official', 'witness', 'other']),
        pseudonym: text(200),
        protected: z
          .strictObject({ realName: z.string().trim().max(300).nullable().default(null), birthDate: z.string().trim().max(40).nullable().default(null), notes: z.string().trim().max(5000).nullable().default(null) })
          .nullable()
          .optional(),
        isSource: z.boolean().default(false),
        positions: z
          .array(
            z.strictObject({
              facility: optionalText(300),
              unit: optionalText(300),
              rank: optionalText(300),
              title: text(300),
              from: partialDate.optional(),
              to: partialDate.optional(),
              claims: z.array(claim).default([]),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
  proceedings: z
    .array(
      z.strictObject({
        key,
        type: z.enum(PROCEEDING_TYPES),
        title: text(300),
        subjects: z.array(key).default([]),
        unnamedSubjects: z.number().int().min(0).default(0),
        authority: optionalText(300),
        legalArticle: optionalText(300),
        facility: optionalText(300),
        sourceExposure: z.boolean().default(false),
        events: z
          .array(z.strictObject({ on: partialDate.default(null), status: z.enum(EVENT_STATUSES), summary: text(5000), claims: z.array(claim).default([]) }))
          .default([]),
      }),
    )
    .default([]),
});

/** Parses the file's JSON text; errors say where, as `proceedings[0].events[1].status: …`. */
export function parseAccountabilityFile(json: string, fileName: string): ImportFile {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`${fileName} is not JSON: ${(e as Error).message}`);
  }
  const r = accountabilityFileSchema.safeParse(raw);
  if (!r.success) {
    const where = (path: readonly PropertyKey[]) => path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(the file)';
    throw new Error(`${fileName} is not a valid accountability file:\n${r.error.issues.slice(0, 20).map((i) => `  ${where(i.path)}: ${i.message}`).join('\n')}`);
  }
  return r.data as ImportFile;
}
