import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isDomainError } from '@custodia/core';
import { MultipartTooLarge, receiveMultipart, type MultipartLimits } from './multipart-stream.js';

/** A body as fetch serialises a FormData (the browser's and Node's own encoder), and its Content-Type. */
async function encode(fields: [string, string | { name: string; bytes: Buffer }][]): Promise<{ body: Buffer; type: string }> {
  const fd = new FormData();
  for (const [k, v] of fields) {
    if (typeof v === 'string') fd.append(k, v);
    else fd.append(k, new Blob([v.bytes]), v.name);
  }
  const r = new Response(fd);
  return { body: Buffer.from(await r.arrayBuffer()), type: r.headers.get('content-type')! };
}

/** The body cut into chunks of the given sizes (cycled), as a stream. */
function chunked(body: Buffer, sizes: number[]): ReadableStream<Uint8Array> {
  let at = 0;
  let i = 0;
  return new ReadableStream({
    pull(ctl) {
      if (at >= body.length) return ctl.close();
      const n = sizes[i++ % sizes.length]!;
      ctl.enqueue(new Uint8Array(body.subarray(at, at + n)));
      at += n;
    },
  });
}

describe('multipart/form-data read as it streams', () => {
  let dir: string;
  let k = 0;
  const limits = (extra: Partial<MultipartLimits> = {}): MultipartLimits => ({
    fileField: 'file', filePath: join(dir, `f${k++}`), maxBody: 1 << 20, maxFile: 512 * 1024, ...extra,
  });
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custodia-multipart-test-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('fields and the file, whatever the chunking, the file byte for byte (delimiter-like bytes included)', async () => {
    // Bytes that look like the start of a delimiter, CRLFs and dashes, at every offset.
    const bytes = Buffer.concat([randomBytes(70_000), Buffer.from('\r\n--\r\n-\r\n--formdata\r\n\r\n'), randomBytes(3), Buffer.from('\r\n')]);
    const { body, type } = await encode([
      ['kind', 'document'],
      ['title', 'Приговор «по делу» — "quoted"'],
      ['file', { name: 'ruling "final".pdf', bytes }],
      ['protect', '1'],
      ['other', { name: 'x.bin', bytes: Buffer.from('ignored') }],
    ]);
    for (const sizes of [[1], [2, 3, 5, 7], [40], [65536], [body.length]]) {
      const l = limits();
      const r = await receiveMultipart(chunked(body, sizes), type, l);
      assert.deepEqual(r.fields, { kind: 'document', title: 'Приговор «по делу» — "quoted"', protect: '1' }, String(sizes));
      assert.equal(r.file?.size, bytes.length);
      assert.ok(r.file?.name === 'ruling "final".pdf' || r.file?.name === 'ruling %22final%22.pdf', r.file?.name);
      assert.ok((await readFile(l.filePath)).equals(bytes), `file intact with chunks of ${sizes}`);
    }
  });

  test('no file part, an empty file, an empty field', async () => {
    const none = await encode([['title', '']]);
    assert.deepEqual(await receiveMultipart(chunked(none.body, [3]), none.type, limits()), { fields: { title: '' }, file: null });
    const empty = await encode([['file', { name: 'e.txt', bytes: Buffer.alloc(0) }]]);
    const l = limits();
    assert.deepEqual(await receiveMultipart(chunked(empty.body, [5]), empty.type, l), { fields: {}, file: { name: 'e.txt', size: 0 } });
    assert.equal((await readFile(l.filePath)).length, 0);
  });

  test('a file over its bound: refused mid-stream, with its name; the rest of a declared body is read first', async () => {
    const { body, type } = await encode([['title', 't'], ['file', { name: 'big.bin', bytes: Buffer.alloc(600 * 1024, 7) }], ['after', 'x']]);
    let pulled = 0;
    const counting = (): ReadableStream<Uint8Array> => {
      pulled = 0;
      const src = chunked(body, [4096]).getReader();
      return new ReadableStream<Uint8Array>({
        async pull(ctl) {
          const r = await src.read();
          if (r.done) return ctl.close();
          pulled += r.value.length;
          ctl.enqueue(r.value);
        },
      });
    };
    for (const declared of [body.length, null]) {
      await assert.rejects(receiveMultipart(counting(), type, limits({ declaredLength: declared })), (e: unknown) => e instanceof MultipartTooLarge && e.what === 'file' && e.fileName === 'big.bin');
      if (declared === null) assert.ok(pulled < 540 * 1024, `stopped reading at the bound (${pulled})`);
      else assert.equal(pulled, body.length);
    }
  });

  test('a body over its bound without a boundary in sight (preamble, chunked): refused while it streams', async () => {
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(ctl) {
        sent += 65536;
        ctl.enqueue(new Uint8Array(65536));
      },
    });
    await assert.rejects(receiveMultipart(endless, 'multipart/form-data; boundary=x', limits()), (e: unknown) => e instanceof MultipartTooLarge && e.what === 'body');
    assert.ok(sent <= (1 << 20) + 2 * 65536, `stopped at the bound (${sent})`);
  });

  test('malformed bodies, a long field, two files, no boundary: clear refusals, the file closed', async () => {
    const ok = await encode([['title', 't'], ['file', { name: 'a.txt', bytes: Buffer.from('abc') }]]);
    const refused = async (body: Buffer, type: string, where: string, message: RegExp, extra: Partial<MultipartLimits> = {}) =>
      assert.rejects(receiveMultipart(chunked(body, [7]), type, limits(extra)), (e: unknown) => {
        assert.ok(isDomainError(e), String(e));
        assert.equal(e.details?.where, where);
        assert.match(e.message, message);
        return true;
      });
    await refused(ok.body.subarray(0, ok.body.length - 10), ok.type, 'body', /ended before its closing boundary/);
    await refused(ok.body, 'multipart/form-data', 'body', /no boundary/);
    let sent = false;
    const cut = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (sent) return ctl.error(new Error('connection reset'));
        sent = true;
        ctl.enqueue(new Uint8Array(ok.body.subarray(0, ok.body.length - 20)));
      },
    });
    await assert.rejects(receiveMultipart(cut, ok.type, limits()), (e: unknown) => isDomainError(e) && e.details?.where === 'body' && /cut off/.test(e.message));
    await refused(Buffer.from('garbage'), ok.type, 'body', /ended before/);
    const long = await encode([['title', 'x'.repeat(100)]]);
    await refused(long.body, long.type, 'title', /longer than 50 bytes/, { maxField: 50 });
    const two = await encode([['file', { name: 'a', bytes: Buffer.from('1') }], ['file', { name: 'b', bytes: Buffer.from('2') }]]);
    await refused(two.body, two.type, 'file', /send one file/);
    // Whatever the refusal, nothing is held open in the directory: it can be emptied.
    for (const f of await readdir(dir)) await rm(join(dir, f));
    assert.deepEqual(await readdir(dir), []);
  });
});
