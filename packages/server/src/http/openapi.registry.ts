import { z } from 'zod';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteDoc {
  method: Method;
  /** Hono-style path, e.g. `/api/cases/:caseId`. */
  path: string;
  summary: string;
  tags: string[];
  params?: z.ZodType | undefined;
  query?: z.ZodType | undefined;
  body?: z.ZodType | undefined;
  /** JSON response schema; undefined for non-JSON responses (bytes, 204). */
  response?: z.ZodType | undefined;
  status: number;
  /** Whether the route needs a signed-in session. */
  auth: boolean;
  /** Describes a non-JSON response (e.g. `video/mp4 bytes`). */
  responseDescription?: string | undefined;
}

type JsonSchema = Record<string, unknown>;

const toSchema = (s: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const out = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete out.$schema;
  return out;
};

/** Path and query parameters as OpenAPI parameter objects, from an object schema's properties. */
function parameters(s: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!s) return [];
  const js = toSchema(s, 'input');
  const props = (js.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((js.required ?? []) as string[]);
  return Object.entries(props).map(([name, schema]) => ({ name, in: where, required: where === 'path' || required.has(name), schema }));
}

/**
 * Every route registers its zod schemas here as it is added, so GET /api/openapi.json is generated
 * from the very schemas that validate requests (OpenAPI 3.1 uses JSON Schema 2020-12).
 */
export class OpenApiRegistry {
  private readonly routes: RouteDoc[] = [];

  add(doc: RouteDoc): void {
    if (this.routes.some((r) => r.method === doc.method && r.path === doc.path)) {
      throw new Error(`route registered twice: ${doc.method.toUpperCase()} ${doc.path}`);
    }
    this.routes.push(doc);
  }

  list(): readonly RouteDoc[] {
    return this.routes;
  }

  document(info: { title: string; version: string }): JsonSchema {
    const paths: Record<string, Record<string, JsonSchema>> = {};
    for (const r of this.routes) {
      const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const op: JsonSchema = {
        summary: r.summary,
        tags: r.tags,
        operationId: `${r.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ? ch.toUpperCase() : ''))}`,
        parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
        responses: {
          [String(r.status)]: r.response
            ? { description: 'OK', content: { 'application/json': { schema: toSchema(r.response, 'output') } } }
            : { description: r.responseDescription ?? 'No content' },
          default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
        ...(r.auth ? { security: [{ session: [] }] } : { security: [] }),
      };
      if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: toSchema(r.body, 'input') } } };
      (paths[path] ??= {})[r.method] = op;
    }
    return {
      openapi: '3.1.0',
      info,
      paths,
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'custodia_session', description: 'plus header x-csrf-token on every non-GET request' },
        },
        schemas: {
          Error: {
            type: 'object',
            required: ['error'],
            properties: {
              error: {
                type: 'object',
                required: ['code', 'message'],
                properties: { code: { type: 'string' }, message: { type: 'string' }, where: { type: 'string' }, requestId: { type: 'string' } },
              },
            },
          },
        },
      },
    };
  }
}
