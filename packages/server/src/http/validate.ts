import { invalid } from '@custodia/core';
import type { Context } from 'hono';
import { z } from 'zod';

type Part = 'body' | 'query' | 'params';

/**
 * Parses `value` with `schema`; on failure throws `invalid` naming the first bad field
 * (`where: "body.password"`) and listing every problem in the message.
 */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, part: Part): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => {
    const where = [part, ...i.path.map(String)].join('.');
    return { where, message: `${where}: ${i.message}` };
  });
  throw invalid(issues.map((i) => i.message).join('; '), { where: issues[0]?.where ?? part });
}

export async function parseBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  let raw: unknown = undefined;
  const text = await c.req.text();
  if (text.length > 0) {
    const type = c.req.header('content-type') ?? '';
    if (!type.startsWith('application/json')) throw invalid('send the body as application/json', { where: 'body' });
    try {
      raw = JSON.parse(text);
    } catch {
      throw invalid('the body is not valid JSON', { where: 'body' });
    }
  }
  return parseWith(schema, raw ?? {}, 'body');
}

export function parseQuery<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  return parseWith(schema, c.req.query(), 'query');
}

export function parseParams<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  return parseWith(schema, c.req.param(), 'params');
}

/** Common field schemas. Ids are positive integers in paths and bodies. */
export const idParam = z.coerce.number().int().positive();
export const sha256Param = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex');
/** A comma-separated list in a query string (`kind=video,image`), as an array. */
export const csv = <T extends z.ZodType>(item: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item) as unknown as z.ZodType<z.output<T>[], string[]>);
