// Triage results in the workspace, through the real pipeline (ffmpeg, OCR, fingerprints, faces) on
// both databases: a clip with a burned-in clock and camera label, its re-encoding at a smaller size,
// and a clip with a face. The item view, the items index (camera facet, OCR search, overlay time
// range, recorded-time sort, duplicate group) and the dashboard's activity per camera.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normaliseOverlayLabel } from '@custodia/core';
import { locateMediaTools, type MediaTools } from '@custodia/media';
import { closePipelineResources, createMediaSteps, enqueueItemPipeline } from '@custodia/pipeline';
import { PgJobQueue, Worker } from '@custodia/store';
import { DB_KINDS, tempDir } from '@custodia/store/testing';
import { dedupFixtures, faceClips, makeCctvClip } from '@custodia/triage/testing';
import { startTestServer, type TestClient, type TestServer } from '../testing/test-server.js';
import { seedCase } from '../testing/evidence-seed.js';

// 2024-03-15 14:21:52 UTC, the generator's default clock.
const START = 1710512512;
const startIso = new Date(START * 1000).toISOString();

let tools: MediaTools;
let src: { path: string; remove: () => Promise<void> };
const files: Record<string, string> = {};

before(async () => {
  tools = await locateMediaTools();
  src = await tempDir('custodia-ws-triage-');
  await mkdir(join(src.path, 'export'));
  files.cam = join(src.path, 'cam7.mp4');
  await makeCctvClip(files.cam, { durationSec: 14, width: 640, height: 360, label: 'CAM 7', clock: { startEpoch: START, position: 'top-right' }, events: [{ startSec: 0.5, endSec: 6.5, from: 'left' }, { startSec: 6.5, endSec: 13, from: 'right', pair: true }] });
  files.small = await dedupFixtures.makeClipVariant(tools, files.cam, join(src.path, 'export'), 'cam7_small', { kind: 'bitrate', kbps: 600 });
  files.face = join(src.path, 'face.mp4');
  await faceClips.makeFaceClip(tools, files.face, { photo: faceClips.faceDemoPhoto(1), x: 400, y: 150, width: 640, fromSec: 1, toSec: 3, durationSec: 4 });
});
after(async () => {
  await closePipelineResources();
  await src?.remove();
});

for (const kind of DB_KINDS) {
  describe(`triage results in the workspace over HTTP (${kind})`, () => {
    let s: TestServer;
    let admin: TestClient;
    let caseId: number;
    const ids: Record<string, number> = {};

    before(async () => {
      s = await startTestServer(kind);
      const a = await s.addUser({ username: 'admin', isAdmin: true, totp: true });
      admin = s.client();
      await admin.signIn('admin', { totpSecret: a.totpSecret });
      caseId = (await admin.json('POST', '/api/cases', { name: 'Triage' })).body.case.id;
      const queue = new PgJobQueue(s.vault.db);
      s.vault.repo.onItemRecorded = async (tx, item) => {
        await enqueueItemPipeline(queue, tx, item, tools.version);
      };
      const seeded = await seedCase(s.vault, 'Triage', [
        { path: '/seed/dvr/cam7.mp4', bytes: await readFile(files.cam!) },
        { path: '/seed/export/cam7_small.mp4', bytes: await readFile(files.small!) },
        { path: '/seed/hall/face.mp4', bytes: await readFile(files.face!) },
      ]);
      for (const [i, name] of ['cam', 'small', 'face'].entries()) ids[name] = seeded.items[i]!.id;
      const worker = new Worker({ queue, handlers: createMediaSteps({ vault: s.vault, tools, actor: 'worker test' }), workerId: 'test/1', concurrency: 1 });
      await worker.runUntilIdle();
    });
    after(() => s?.close());

    test('item detail: overlay facts, faces with boxes per sample time, the duplicate group', async () => {
      const r = await admin.json('GET', `/api/items/${ids.cam}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const o = r.body.overlay;
      assert.ok(o, JSON.stringify(r.body.steps));
      assert.equal(o.startTime, startIso);
      assert.equal(o.cameraLabel, 'CAM 7');
      assert.ok(Array.isArray(o.flags));
      assert.ok(o.readings.some((x: { time: string | null }) => x.time !== null));
      assert.ok(r.body.faces.runs.length >= 1);
      assert.ok(r.body.custody.some((e: { action: string }) => e.action === 'overlay-read'));

      const face = await admin.json('GET', `/api/items/${ids.face}`);
      assert.ok(face.body.faces.runs[0].framesWithFaces >= 1, JSON.stringify(face.body.faces));
      const sample = face.body.faces.samples[0];
      assert.ok(sample.tSec >= 0.5 && sample.boxes.length >= 1, JSON.stringify(sample));
      assert.ok(sample.boxes[0].w > 0 && sample.boxes[0].w <= 1);

      const g = r.body.duplicateGroup;
      assert.ok(g, 'a duplicate group');
      const kinds = new Map(g.members.map((m: { items: { id: number }[]; kind: string }) => [m.items[0]?.id, m.kind]));
      assert.ok(kinds.has(ids.cam) && kinds.has(ids.small), JSON.stringify(g));
      // The longer of the two is the group's reference (ties: the smaller hash), so which one is the
      // reference depends on the encoder's bytes; the other is the re-encoding of it.
      assert.deepEqual([kinds.get(ids.cam), kinds.get(ids.small)].sort(), ['exact', 're-encoded'], JSON.stringify(g));
      // Linked by their pictures (ADR 0025: 'clock' for members only the burned-in clock linked).
      assert.ok(g.members.every((m: { evidence: string }) => m.evidence === 'fingerprint'), JSON.stringify(g));
    });

    test('time at a position: the overlay clock once the index knows it, with its source; else none', async () => {
      const t = await admin.json('GET', `/api/items/${ids.cam}/time?at=2`);
      assert.equal(t.status, 200, JSON.stringify(t.body));
      assert.deepEqual(t.body, { time: new Date((START + 2) * 1000).toISOString(), source: 'overlay' });
      assert.deepEqual((await admin.json('GET', `/api/items/${ids.face}/time?at=1`)).body, { time: null, source: null });
    });

    test('items index: camera facet, OCR text search, overlay time range and sort, duplicate group', async () => {
      const all = await admin.json('GET', `/api/cases/${caseId}/items`);
      assert.equal(all.body.facets.camera['CAM 7'], 2, JSON.stringify(all.body.facets.camera));
      const cam = all.body.items.find((i: { id: number }) => i.id === ids.cam);
      assert.equal(cam.overlayStart, startIso);
      assert.equal(cam.duplicateGroup, all.body.items.find((i: { id: number }) => i.id === ids.small).duplicateGroup);
      assert.ok(cam.duplicateGroup);
      const byGroup = await admin.json('GET', `/api/cases/${caseId}/items?duplicateGroup=${cam.duplicateGroup}`);
      assert.deepEqual(byGroup.body.items.map((i: { id: number }) => i.id).sort(), [ids.cam, ids.small].sort());

      const q = await admin.json('GET', `/api/cases/${caseId}/items?q=${encodeURIComponent('CAM')}`);
      assert.deepEqual(q.body.items.map((i: { id: number }) => i.id).sort(), [ids.cam, ids.small].sort());
      const inRange = await admin.json('GET', `/api/cases/${caseId}/items?from=${encodeURIComponent('2024-03-15T14:00:00Z')}&to=${encodeURIComponent('2024-03-15T15:00:00Z')}`);
      assert.equal(inRange.body.total, 2);
      const outOfRange = await admin.json('GET', `/api/cases/${caseId}/items?from=${encodeURIComponent('2024-03-16T00:00:00Z')}`);
      assert.equal(outOfRange.body.total, 0);
      const sorted = await admin.json('GET', `/api/cases/${caseId}/items?sort=-recorded`);
      assert.equal(sorted.status, 200);
      assert.equal(sorted.body.items[2].id, ids.face);

      // A facility camera whose label matches by Latin look-alikes (Cyrillic «САМ 7») claims them.
      assert.equal((await s.vault.db.query<{ n: string }>("SELECT custodia_overlay_label_norm('KAMEPA 3, подъезд') AS n")).rows[0]!.n, normaliseOverlayLabel('KAMEPA 3, подъезд'));
      const region = await admin.json('POST', '/api/facilities', { kind: 'region', name: 'Область' });
      const fac = await admin.json('POST', '/api/facilities', { kind: 'facility', name: 'ИК-7', parentId: region.body.facility.id });
      const camera = await admin.json('POST', '/api/facilities', { kind: 'camera', name: 'Камера 7', parentId: fac.body.facility.id, overlayLabel: 'САМ 7' });
      assert.equal(camera.status, 201, JSON.stringify(camera.body));
      const after = await admin.json('GET', `/api/cases/${caseId}/items?facility=${fac.body.facility.id}`);
      assert.equal(after.body.total, 2, JSON.stringify(after.body.facets));
      assert.equal(after.body.facets.camera['САМ 7'], 2);
      const detail = await admin.json('GET', `/api/items/${ids.cam}`);
      assert.equal(detail.body.overlay.camera, 'САМ 7');
    });

    test('dashboard: activity per camera over overlay hours', async () => {
      const d = await admin.json('GET', `/api/cases/${caseId}`);
      assert.equal(d.status, 200, JSON.stringify(d.body));
      const rows = d.body.activityByCamera as { camera: string; clock: string; hours: { t: string; score: number }[] }[];
      const cam = rows.find((r) => r.clock === 'overlay');
      assert.ok(cam, JSON.stringify(rows));
      assert.equal(cam.hours[0]!.t, '2024-03-15T14:00:00.000Z');
      assert.ok(cam.hours[0]!.score > 0);
    });
  });
}
