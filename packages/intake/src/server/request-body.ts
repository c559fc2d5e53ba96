import type { Context } from 'hono';
import type { z } from 'zod';
import { invalid } from '@custodia/core';

export async function jsonBody<T>(c: Context, schema: z.ZodType<T>, limit = 16 * 1024): Promise<T> {
  const bytes = await readBody(c.req.raw, limit);
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw invalid('the request body must be JSON');
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw invalid(`bad request: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Reads a request body, refusing (413) as soon as it passes `limit` bytes: nothing big is buffered. */
export async function readBody(req: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > limit) throw invalid(`the request body exceeds ${limit} bytes`);
  const parts: Uint8Array[] = [];
  let n = 0;
  if (req.body) {
    for await (const part of req.body as unknown as AsyncIterable<Uint8Array>) {
      n += part.length;
      if (n > limit) throw invalid(`the request body exceeds ${limit} bytes`);
      parts.push(part);
    }
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

