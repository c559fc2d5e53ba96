import type { Vault } from '@custodia/store';

export interface SeedFile {
  path: string;
  bytes: Buffer;
  kind?: 'video' | 'image' | 'document' | 'other';
  /** Records a probe with this duration, a proxy (these bytes) and a poster. */
  proxy?: Buffer;
  durationSec?: number;
  /** Activity segments [start, end] in seconds. */
  activity?: [number, number][];
}

async function* once(b: Buffer): AsyncIterable<Uint8Array> {
  yield b;
}

/**
 * Records items in a case through the vault's own repositories (blob store, items, probes,
 * derivatives, activity), each with its ledger entry, without running ffmpeg.
 */
export async function seedCase(vault: Vault, caseName: string, files: SeedFile[]): Promise<{ caseId: number; items: { id: number; sha256: string; proxy?: string; poster?: string }[] }> {
  const kase = await vault.repo.ensureCase(caseName, 'test-operator');
  const acq = await vault.repo.startAcquisition(
    { caseId: kase.id, kind: 'bulk-ingest', resumeKey: `seed-${Date.now()}-${Math.random()}`, operator: 'test-operator', host: 'test', toolVersion: '0', sourceLabel: 'seed', note: null, roots: ['/seed'], options: {} },
    'test-operator',
  );
  const out: { id: number; sha256: string; proxy?: string; poster?: string }[] = [];
  for (const f of files) {
    const put = await vault.blobs.put(once(f.bytes));
    const item = await vault.repo.recordItem(
      {
        caseId: kase.id,
        acquisitionId: acq.id,
        parentId: null,
        memberIndex: null,
        rawPath: Buffer.from(f.path),
        displayPath: f.path,
        relPath: f.path.replace(/^\/seed\//, ''),
        pathEncoding: 'utf-8',
        size: f.bytes.length,
        mtime: '2024-03-15T10:00:00Z',
        sha256: put.sha256,
        kind: f.kind ?? 'video',
        format: 'mp4',
        status: 'ok',
        reason: null,
      },
      put.created,
      'test-operator',
    );
    const rec: { id: number; sha256: string; proxy?: string; poster?: string } = { id: item.id, sha256: put.sha256 };
    if (f.proxy) {
      const proxy = await vault.blobs.put(once(f.proxy));
      const poster = await vault.blobs.put(once(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), f.proxy.subarray(0, 64)])));
      await vault.db.transaction(async (tx) => {
        await vault.media.recordProbe(tx, { sha256: put.sha256, tool: 'ffprobe test', status: 'ok', failureKind: null, failureMessage: null, facts: { durationSec: f.durationSec ?? 10 } }, 'test-worker');
        await vault.media.recordDerivative(tx, { sha256: proxy.sha256, sourceSha256: put.sha256, kind: 'proxy', tool: 'ffmpeg test', recipe: {}, size: proxy.size }, 'test-worker');
        await vault.media.recordDerivative(tx, { sha256: poster.sha256, sourceSha256: put.sha256, kind: 'poster', tool: 'ffmpeg test', recipe: {}, size: poster.size }, 'test-worker');
        if (f.activity) {
          await vault.triage.recordActivity(
            tx,
            {
              sha256: put.sha256,
              mode: 'fast',
              tool: 'test',
              fps: 2,
              width: 160,
              height: 90,
              curve: [0, 0.5, 0],
              masked: [],
              decodedSeconds: f.durationSec ?? 10,
              segments: f.activity.map(([startSec, endSec]) => ({ startSec, endSec, score: 0.5, peak: 0.9 })),
            },
            'test-worker',
          );
        }
      });
      rec.proxy = proxy.sha256;
      rec.poster = poster.sha256;
    }
    out.push(rec);
  }
  await vault.checkpoint();
  return { caseId: kase.id, items: out };
}
