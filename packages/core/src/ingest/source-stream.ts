/** An error while reading the source (not while storing): the item is recorded as unreadable, the run goes on. */
export class SourceReadError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'SourceReadError';
  }
}

const HEAD_BYTES = 64 * 1024;

/**
 * Passes chunks through unchanged while keeping the first 64 KiB (for format sniffing) and
 * reporting byte counts; errors from the source are tagged as SourceReadError.
 */
export function capturingHead(source: AsyncIterable<Buffer>, onBytes: (n: number) => void) {
  const parts: Buffer[] = [];
  let kept = 0;
  async function* chunks(): AsyncIterable<Uint8Array> {
    const it = source[Symbol.asyncIterator]();
    for (;;) {
      let r: IteratorResult<Buffer>;
      try {
        r = await it.next();
      } catch (e) {
        throw e instanceof SourceReadError ? e : new SourceReadError(e instanceof Error ? e.message : String(e), e);
      }
      if (r.done) return;
      const chunk = r.value;
      if (kept < HEAD_BYTES) {
        const take = chunk.subarray(0, HEAD_BYTES - kept);
        parts.push(Buffer.from(take));
        kept += take.length;
      }
      onBytes(chunk.length);
      yield chunk;
    }
  }
  return { chunks: chunks(), bytes: () => Buffer.concat(parts) };
}
