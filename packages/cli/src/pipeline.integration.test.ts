import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ingest } from '@custodia/core';
import { locateMediaTools, probe, type MediaTools } from '@custodia/media';
import { caseReport, initVault, verifyLedger, type Config, type ReportItem, type Vault } from '@custodia/store';
import { DB_KINDS, tempDir, testConfig } from '@custodia/store/testing';
import { fsEvidenceReader } from './evidence-reader.js';
import { attachPipeline, createWorker, type PipelineRuntime } from './pipeline-runtime.js';

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The shapes leaked DVR footage comes in, made with ffmpeg's test sources. */
async function makeMediaFolder(root: string): Promise<void> {
  await mkdir(join(root, 'cam1'), { recursive: true });
  await mkdir(join(root, 'raw'), { recursive: true });
  const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '10'];
  const src = (pattern: string, seconds: number) => ['-f', 'lavfi', '-i', `${pattern}=size=320x240:rate=10`, '-t', String(seconds)];
  ffmpeg([...src('testsrc', 3), ...x264, join(root, 'cam1', 'ch01_0800.mp4')]); // index at the end, as DVRs write it
  ffmpeg([...src('smptebars', 4), ...x264, join(root, 'cam1', 'ch01_0900.mp4')]);
  const full = (await readFile(join(root, 'cam1', 'ch01_0900.mp4'))).length;
  await truncate(join(root, 'cam1', 'ch01_0900.mp4'), Math.floor(full * 0.6)); // cut off: no moov
  ffmpeg([...src('rgbtestsrc', 2), ...x264, '-f', 'h264', join(root, 'raw', 'stream.h264')]);
  ffmpeg([...src('testsrc2', 2), '-c:v', 'mjpeg', '-q:v', '5', join(root, 'raw', 'mjpeg.avi')]);
  await writeFile(join(root, 'raw', 'not-a-video.mp4'), 'this is a text file with a video name\n');
}

describe('activity detection in the pipeline', () => {
  it('finds when the figure crosses a static, noisy CCTV scene with a ticking clock', async () => {
    const { config, cleanup } = await testConfig('pglite');
    const dir = await tempDir('custodia-cctv-');
    const vault = (await initVault(config, { actor: 'admin' })).vault;
    try {
      const { makeCctvClip } = await import('@custodia/triage/testing');
      await makeCctvClip(join(dir.path, 'cam3.mp4'), { durationSec: 40, width: 640, height: 360, events: [{ startSec: 18, endSec: 26 }] });
      const rt = await attachPipeline(vault);
      await ingest(
        { caseName: 'cctv', roots: [dir.path], operator: 'a', host: 'h', toolVersion: 't' },
        { repo: vault.repo, blobs: vault.blobs, reader: fsEvidenceReader },
      );
      await (await createWorker(vault, rt)).runUntilIdle();
      const [item] = (await caseReport(vault, 'cctv')).items;
      const segs = item!.media!.activity!.segments;
      assert.ok(segs.length >= 1, JSON.stringify(item!.media!.steps));
      assert.ok(segs.some((s) => s.startSec < 26 && s.endSec > 18), `a segment overlaps 18–26 s: ${JSON.stringify(segs)}`);
      assert.ok(segs.every((s) => s.endSec > 15 && s.startSec < 29), `nothing far from the event: ${JSON.stringify(segs)}`);
    } finally {
      await vault.close();
      await cleanup();
      await dir.remove();
    }
  });
});

for (const kind of DB_KINDS) {
  describe(`media pipeline on ${kind}`, () => {
    let cfg: Config;
    let cleanup: () => Promise<void>;
    let vault: Vault;
    let rt: PipelineRuntime;
    let tools: MediaTools;
    let folder: { path: string; remove: () => Promise<void> };
    let items: Map<string, ReportItem>;

    before(async () => {
      ({ config: cfg, cleanup } = await testConfig(kind));
      folder = await tempDir('custodia-media-');
      await makeMediaFolder(folder.path);
      vault = (await initVault(cfg, { actor: 'admin' })).vault;
      rt = await attachPipeline(vault);
      tools = await locateMediaTools();
    });
    after(async () => {
      await vault?.close();
      await cleanup?.();
      await folder?.remove();
    });

    it('ingest enqueues one probe per media blob, in the same transaction as the item', async () => {
      await ingest(
        { caseName: 'media', roots: [folder.path], operator: 'a', host: 'h', toolVersion: 't' },
        { repo: vault.repo, blobs: vault.blobs, reader: fsEvidenceReader },
      );
      const stats = await rt.queue.stats();
      assert.deepEqual(stats.filter((s) => s.name === 'probe').map((s) => [s.state, s.count]), [['queued', 5]]);
    });

    it('every file ends with a probe, a playable proxy and a filmstrip, or a precise reason', async () => {
      await (await createWorker(vault, rt)).runUntilIdle();
      const report = await caseReport(vault, 'media');
      items = new Map(report.items.map((it) => [it.path.slice(folder.path.length + 1), it]));
      for (const name of ['cam1/ch01_0800.mp4', 'raw/stream.h264', 'raw/mjpeg.avi']) {
        const m = items.get(name)!.media!;
        assert.equal(m.probe?.status, 'ok', `${name}: ${m.probe?.failureMessage}`);
        assert.deepEqual(m.derivatives.map((d) => d.kind).sort(), ['filmstrip', 'poster', 'proxy'], name);
        const proxy = m.derivatives.find((d) => d.kind === 'proxy')!;
        const p = await probe(tools, vault.blobs.localPath(proxy.sha256));
        assert.equal((p.video as { codec: string }).codec, 'h264', `${name} proxy codec`);
        const bytes = await readFile(vault.blobs.localPath(proxy.sha256));
        assert.ok(bytes.indexOf('moov') < bytes.indexOf('mdat'), `${name}: proxy index at the front`);
        assert.ok(m.steps.every((s) => s.state === 'done'), `${name}: ${JSON.stringify(m.steps)}`);
        assert.ok(m.activity, `${name}: activity detected`);
        assert.ok(m.activity.curve.length >= 1, `${name}: an activity curve`);
      }
      // The raw stream has no container duration: it was decoded to find it.
      const raw = items.get('raw/stream.h264')!.media!.probe!;
      assert.equal(raw.durationSource, 'decoded');
      assert.ok(Math.abs(Number(raw.durationSec) - 2) < 0.5, `duration ${raw.durationSec}`);
      // A text file named .mp4: a precise, visible reason.
      const fake = items.get('raw/not-a-video.mp4')!.media!;
      assert.equal(fake.probe?.status, 'failed');
      assert.ok(fake.probe?.failureKind && fake.probe.failureMessage, JSON.stringify(fake.probe));
      assert.deepEqual(fake.derivatives, []);
    });

    it('a DVR export cut off before its index is salvaged with a healthy file from the same camera', async () => {
      const cut = items.get('cam1/ch01_0900.mp4')!;
      assert.equal(cut.status, 'truncated');
      const m = cut.media!;
      assert.equal(m.probe?.status, 'failed');
      assert.equal(m.probe?.failureKind, 'truncated');
      const salvage = m.derivatives.find((d) => d.kind === 'salvage');
      assert.ok(salvage, `salvage derivative expected: ${JSON.stringify(m.steps)}`);
      assert.deepEqual(m.salvaged?.derivatives.map((d) => d.kind).sort(), ['filmstrip', 'poster', 'proxy']);
      const p = await probe(tools, vault.blobs.localPath(salvage.sha256));
      assert.equal(p.status, 'ok');
      assert.ok(Number(p.durationSec) >= 1.5, `recovered ${p.durationSec}s of 4s`);
      // The original is untouched.
      assert.equal(cut.sha256, items.get('cam1/ch01_0900.mp4')!.sha256);
    });

    it('is idempotent: enqueuing the same items again creates no job; the ledger verifies', async () => {
      const before = await rt.queue.stats();
      const kase = await vault.repo.findCase('media');
      const { enqueueItemPipeline } = await import('@custodia/pipeline');
      for (const it of await vault.repo.itemsOfCase(kase!.id)) {
        await vault.db.transaction((tx) => enqueueItemPipeline(rt.queue, tx, it, tools.version));
      }
      assert.deepEqual(await rt.queue.stats(), before);
      await vault.checkpoint();
      const v = await verifyLedger(vault);
      assert.equal(v.ok, true, JSON.stringify(v.problems));
    });
  });
}
