#!/usr/bin/env node
// Near-duplicate detection: the index against brute force, and accuracy on real ffmpeg clips.
//   npx tsc -b packages/triage && node packages/triage/bench/dedup.bench.mjs
// Environment: BENCH_COUNT (10000) BENCH_PLANTED (500) BENCH_BRUTE_SAMPLE (2000 pairs) BENCH_PART (a, b or ab)
//   BENCH_FPS (b's rates, default "2,1"). The clips are cached in the OS temp directory (BENCH_CLEAN=1 deletes them after).
//
// (a) Synthetic fingerprints (no ffmpeg): BENCH_COUNT fingerprints of 60–600 hashes — half fixed
//     cameras (five recordings per camera: same empty scene, people at other times), half moving
//     scenes — of which BENCH_PLANTED are planted near-duplicates of others (noisy full copies and
//     noisy trimmed sub-sequences). Time to find all near-duplicate pairs with NearDuplicateIndex,
//     against brute force (matchFingerprints trying every offset of every pair: timed on a random
//     sample of pairs and extrapolated to all of them — running it in full would take hours).
// (b) Real clips: 8 recordings (three of one corridor camera, two of a cell, two of a yard, a busy
//     moving scene) and 11 exports of four of them (bitrates, sizes, HEVC, MJPEG, VP9, brightness,
//     trims at arbitrary times, a stream-copy trim, a trim of a re-encode): 52 clips, 320×240 sources.
//     Recall and precision of near-duplicate pairs, offset errors, and fingerprint time per clip
//     against a plain single-thread decode (`ffmpeg -threads 1 -i f -f null -`).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateMediaTools, probe } from '@custodia/media';
import {
  clockContradicts, confirmAtClockOffset, fingerprintVideo, matchFingerprints, matchAtOffsets, NearDuplicateIndex, OverlayClockIndex, OverlayOcr, overlayReaderVersion, prepareFingerprint, readOverlay,
} from '../dist/index.js';
import { makeBenchCorpus, mulberry32, syntheticCollection } from '../dist/dedup/testing-fixtures.js';

const part = process.env.BENCH_PART ?? 'ab';
/** The bench recordings' clock starts (makeBenchCorpus), to check the readings. */
const CLOCKS = { corridorX1: 1711000000, corridorX2: 1711090000, corridorX3: 1711180000, cellY1: 1712000000, cellY2: 1712050000, yardZ1: 1713000000, yardZ2: 1713070000, busyW: NaN };
console.log(`load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (${process.env.BENCH_PART ?? 'ab'})`);
const key = (a, b) => (a < b ? `${a}|${b}` : `${b}|${a}`);
const fmt = (ms) => (ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const pct = (x) => x.toFixed(3);

if (part.includes('a')) {
  const count = Number(process.env.BENCH_COUNT ?? 10_000);
  const plantedPairs = Number(process.env.BENCH_PLANTED ?? 500);
  const sampleSize = Number(process.env.BENCH_BRUTE_SAMPLE ?? 2000);
  console.log(`\n(a) synthetic: ${count} fingerprints, ${plantedPairs} planted near-duplicate pairs (2 hashes/s)`);
  let t0 = performance.now();
  const col = syntheticCollection({ count, plantedPairs, seed: 2024 });
  const frames = col.items.reduce((s, i) => s + i.fp.hashes.length, 0);
  console.log(`  generated in ${fmt(performance.now() - t0)}: ${frames} hashes (${(frames / count).toFixed(0)} per fingerprint)`);
  const byId = new Map(col.items.map((i) => [i.id, i.fp]));
  t0 = performance.now();
  for (const it of col.items) prepareFingerprint(it.fp);
  const tPrep = performance.now() - t0;

  const idx = new NearDuplicateIndex();
  t0 = performance.now();
  for (const it of col.items) idx.add(it.id, it.fp);
  const tAdd = performance.now() - t0;
  t0 = performance.now();
  const pairs = idx.allPairs();
  const tPairs = performance.now() - t0;
  const st = idx.stats();
  console.log(`  index: parse + activity ${fmt(tPrep)}, add ${fmt(tAdd)}, allPairs ${fmt(tPairs)} → total ${fmt(tPrep + tAdd + tPairs)}`);
  console.log(`         ${st.indexedFrames} of ${st.frames} frames indexed (moving), ${st.postings} postings, ${st.droppedBuckets} buckets dropped; RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);

  // Which planted pairs can be recognised at all: a trimmed copy of a quiet stretch of a fixed
  // camera has too little movement for anyone (brute force included).
  t0 = performance.now();
  let findable = 0;
  const findableSet = new Set();
  for (const p of col.planted) {
    const m = matchFingerprints(byId.get(p.a), byId.get(p.b), { search: 'exhaustive' });
    if (m.similar) {
      findable++;
      findableSet.add(key(p.a, p.b));
    }
  }
  const tPlantedBrute = performance.now() - t0;
  const planted = new Map(col.planted.map((p) => [key(p.a, p.b), p]));
  let tp = 0;
  let offsetErr = 0;
  for (const p of pairs) {
    const pl = planted.get(key(p.a, p.b));
    if (!pl) continue;
    tp++;
    if (Math.abs(p.offsetSec - pl.offsetSec) > 1) offsetErr++;
  }
  const tpFindable = pairs.filter((p) => findableSet.has(key(p.a, p.b))).length;
  console.log(`  index: ${pairs.length} pairs found; planted found ${tp}/${plantedPairs} → recall ${pct(tp / plantedPairs)}` +
    ` (${tpFindable}/${findable} = ${pct(tpFindable / Math.max(1, findable))} of those brute force finds), precision ${pct(tp / Math.max(1, pairs.length))}, offsets off by > 1 s: ${offsetErr}`);

  // Brute force on a random sample of pairs.
  const rng = mulberry32(99);
  const ids = col.items.map((i) => i.id);
  let bruteFp = 0;
  t0 = performance.now();
  for (let s = 0; s < sampleSize; s++) {
    const a = ids[Math.floor(rng() * ids.length)];
    let b = ids[Math.floor(rng() * ids.length)];
    if (b === a) b = ids[(ids.indexOf(a) + 1) % ids.length];
    const m = matchFingerprints(byId.get(a), byId.get(b), { search: 'exhaustive' });
    if (m.similar && !planted.has(key(a, b))) bruteFp++;
  }
  const perPair = (performance.now() - t0) / sampleSize;
  const allPairsCount = (count * (count - 1)) / 2;
  console.log(`  brute force (every offset of every pair): ${fmt(perPair)} per pair on ${sampleSize} random pairs → ` +
    `${allPairsCount.toLocaleString('en')} pairs ≈ ${fmt(perPair * allPairsCount)} (EXTRAPOLATED, not run); ${bruteFp} false positives in the sample`);
  console.log(`  brute force on the ${plantedPairs} planted pairs: ${findable} recognised (${fmt(tPlantedBrute)})`);
  console.log(`  speed-up of the index over brute force: ×${Math.round((perPair * allPairsCount) / (tAdd + tPairs))}`);
}

if (part.includes('b')) {
  const tools = await locateMediaTools();
  const rates = (process.env.BENCH_FPS ?? '2,1').split(',').map(Number);
  const dir = join(tmpdir(), 'custodia-dedup-bench-v1');
  const manifest = join(dir, 'complete.json');
  if (!existsSync(manifest)) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let t0 = performance.now();
  if (!existsSync(manifest)) console.error('bench: generating the clips (about two minutes, cached afterwards)…');
  const clips = await makeBenchCorpus(tools, dir, 2);
  writeFileSync(manifest, JSON.stringify(clips.map((c) => c.id)));
  console.log(`\n(b) real clips: ${clips.length} (ready in ${fmt(performance.now() - t0)})`);

  // Single-thread decode floor per clip.
  const decodeMs = new Map();
  for (const c of clips) {
    t0 = performance.now();
    const r = spawnSync(tools.ffmpeg, ['-nostdin', '-v', 'error', '-threads', '1', '-i', c.file, '-f', 'null', '-'], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`decode of ${c.file} failed`);
    decodeMs.set(c.id, performance.now() - t0);
  }

  // Burned-in clock and camera label of every clip (readOverlay, as the pipeline's overlay step),
  // cached beside the clips by the reader's version; BENCH_OVERLAY=0 skips the clock rows.
  const overlays = new Map();
  if (process.env.BENCH_OVERLAY !== '0') {
    const ocr = new OverlayOcr();
    const cacheFile = join(dir, 'overlays.json');
    // Keyed by the OCR data and the reader's code: any change to either reads the clips again.
    const code = ['read-overlay.js', 'text-lines.locator.js', 'frame-sampler.js', 'line-image.js']
      .map((f) => readFileSync(new URL(`../dist/overlay/${f}`, import.meta.url)))
      .reduce((h, b) => h.update(b), createHash('sha256')).digest('hex').slice(0, 12);
    const cacheKey = `${overlayReaderVersion(ocr)}; code ${code}`;
    const cache = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
    const entries = cache.key === cacheKey ? cache.entries : {};
    t0 = performance.now();
    let read = 0;
    for (const c of clips) {
      if (!entries[c.id]) {
        const p = await probe(tools, c.file);
        const r = await readOverlay(tools, c.file, { ocr, durationSec: p.durationSec, container: p.container, fps: p.video?.fps ?? null });
        entries[c.id] = { startTime: r.startTime, cameraLabel: r.cameraLabel, flags: r.flags.map((f) => f.kind) };
        read++;
      }
      overlays.set(c.id, entries[c.id]);
    }
    await ocr.close();
    writeFileSync(cacheFile, JSON.stringify({ key: cacheKey, entries }));
    const withClock = [...overlays.values()].filter((o) => o.startTime && o.cameraLabel).length;
    const wrong = clips.filter((c) => {
      const o = overlays.get(c.id);
      return o.startTime && Math.abs(Date.parse(o.startTime) / 1000 - (CLOCKS[c.recording] + c.startSec)) > 1.5;
    });
    console.log(`  overlay: clock and label read on ${withClock}/${clips.length} clips (${read} read now in ${fmt(performance.now() - t0)}, the rest cached); ` +
      `clock off by > 1.5 s on ${wrong.length}${wrong.length ? ` (${wrong.map((c) => c.id).join(', ')})` : ''}; no clock: ${clips.filter((c) => !overlays.get(c.id).startTime).map((c) => c.id).join(', ') || 'none'}`);
  }

  const byId = new Map(clips.map((c) => [c.id, c]));
  for (const fps of rates) {
    const fp = new Map();
    let fpMs = 0;
    const perClip = [];
    for (const c of clips) {
      t0 = performance.now();
      fp.set(c.id, await fingerprintVideo(tools, c.file, { fps }));
      const ms = performance.now() - t0;
      fpMs += ms;
      perClip.push([c.id, ms]);
    }
    const dur = (id) => fp.get(id).durationSec;
    // Truth: same recording and at least 5 s in common.
    const truth = (a, b) => {
      const A = byId.get(a), B = byId.get(b);
      if (A.recording !== B.recording) return false;
      return Math.min(A.startSec + dur(a), B.startSec + dur(b)) - Math.max(A.startSec, B.startSec) >= 5;
    };
    const ids = clips.map((c) => c.id);
    let positives = 0, findable = 0;
    const findableSet = new Set();
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
      const [a, b] = [ids[i], ids[j]];
      if (!truth(a, b)) continue;
      positives++;
      // Recognisable at all: enough movement in the true overlap.
      const d = Math.round((byId.get(b).startSec - byId.get(a).startSec) * fps);
      const m = matchAtOffsets(prepareFingerprint(fp.get(a)), prepareFingerprint(fp.get(b)), [d - 1, d, d + 1]);
      if (m.reason !== 'too-little-movement') {
        findable++;
        findableSet.add(key(a, b));
      }
    }
    const idx = new NearDuplicateIndex();
    t0 = performance.now();
    for (const id of ids) idx.add(id, fp.get(id));
    const pairs = idx.allPairs();
    const tIdx = performance.now() - t0;
    let tp = 0, offErr = 0, maxErr = 0;
    const falsePos = [];
    for (const p of pairs) {
      if (!truth(p.a, p.b)) {
        falsePos.push(`${p.a}~${p.b} (unexplained ${p.match.unexplained}, moving ${p.match.movingSec} s)`);
        continue;
      }
      tp++;
      const err = Math.abs(p.offsetSec - (byId.get(p.b).startSec - byId.get(p.a).startSec));
      maxErr = Math.max(maxErr, err);
      if (err > 1) offErr++;
    }
    const found = new Set(pairs.map((p) => key(p.a, p.b)));
    const missed = [];
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) if (truth(ids[i], ids[j]) && !found.has(key(ids[i], ids[j]))) missed.push(`${ids[i]}~${ids[j]}${findableSet.has(key(ids[i], ids[j])) ? '' : ' (too little movement)'}`);
    const tpFindable = pairs.filter((p) => findableSet.has(key(p.a, p.b))).length;
    // Index + clock: candidates from (camera label, clock hour) buckets, confirmed by the pictures at
    // the clock's offset; added to the index's pairs.
    let clockLine = null;
    if (overlays.size > 0) {
      t0 = performance.now();
      const cidx = new OverlayClockIndex();
      for (const id of ids) {
        const o = overlays.get(id);
        cidx.add(id, { label: o.cameraLabel, start: o.startTime, durationSec: dur(id) });
      }
      const cands = cidx.allPairs();
      // Low-confidence fingerprint pairs (one person crossing) whose clocks put them elsewhere: dropped.
      const clockOf = (id) => ({ label: overlays.get(id).cameraLabel, start: overlays.get(id).startTime, durationSec: dur(id) });
      let dropped = 0;
      const kept = pairs.filter((p) => {
        if (p.match.confidence !== 'low' || !clockContradicts(clockOf(p.a), clockOf(p.b), p.offsetSec)) return true;
        dropped++;
        return false;
      });
      const merged = new Map(kept.map((p) => [key(p.a, p.b), { a: p.a, b: p.b, offsetSec: p.offsetSec, evidence: 'fingerprint' }]));
      let confirmed = 0, rejected = 0;
      for (const c of cands) {
        if (merged.has(key(c.a, c.b))) continue;
        const m = confirmAtClockOffset(fp.get(c.a), fp.get(c.b), c.offsetSec);
        if (!m.similar) { rejected++; continue; }
        confirmed++;
        merged.set(key(c.a, c.b), { a: c.a, b: c.b, offsetSec: m.offsetSec, evidence: 'clock' });
      }
      const tClock = performance.now() - t0;
      const all = [...merged.values()];
      let ctp = 0, cMax = 0, cOff = 0;
      const cFalse = [];
      for (const p of all) {
        if (!truth(p.a, p.b)) { cFalse.push(`${p.a}~${p.b} (${p.evidence})`); continue; }
        ctp++;
        const err = Math.abs(p.offsetSec - (byId.get(p.b).startSec - byId.get(p.a).startSec));
        cMax = Math.max(cMax, err);
        if (err > 1) cOff++;
      }
      const found2 = new Set(all.map((p) => key(p.a, p.b)));
      const missed2 = [];
      for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) if (truth(ids[i], ids[j]) && !found2.has(key(ids[i], ids[j]))) missed2.push(`${ids[i]}~${ids[j]}`);
      clockLine = [
        `    index+clock: recall ${pct(ctp / positives)}, precision ${pct(ctp / Math.max(1, all.length))}, ${all.length} pairs (${confirmed} added by the clock of ${cands.length} clock candidates, ` +
          `${rejected} rejected by the pictures; ${dropped} low-confidence fingerprint pairs dropped, contradicted by the clocks) in ${fmt(tIdx)} + ${fmt(tClock)}; offsets: max error ${cMax.toFixed(2)} s, ${cOff} off by > 1 s`,
        cFalse.length ? `    index+clock false positives: ${cFalse.join('; ')}` : null,
        missed2.length ? `    index+clock missed: ${missed2.slice(0, 12).join('; ')}${missed2.length > 12 ? ` … (${missed2.length})` : ''}` : null,
      ].filter(Boolean);
    }
    const conf = (c) => {
      const ps = pairs.filter((p) => p.match.confidence === c);
      return `${c} ${ps.filter((p) => truth(p.a, p.b)).length}/${ps.length}`;
    };
    // Brute force on the same clips, for comparison.
    t0 = performance.now();
    let btp = 0, bfp = 0;
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
      const m = matchFingerprints(fp.get(ids[i]), fp.get(ids[j]), { search: 'exhaustive' });
      if (m.similar) (truth(ids[i], ids[j]) ? btp++ : bfp++);
    }
    const tBrute = performance.now() - t0;
    const negatives = (ids.length * (ids.length - 1)) / 2 - positives;
    console.log(`\n  at ${fps} hash/s: ${positives} true pairs (${findable} with ≥ 3 s of movement in common), ${negatives} other pairs`);
    console.log(`    index:       recall ${pct(tp / positives)} (${pct(tpFindable / Math.max(1, findable))} of the recognisable), precision ${pct(tp / Math.max(1, pairs.length))}, ` +
      `${pairs.length} pairs in ${fmt(tIdx)}; offsets: max error ${maxErr.toFixed(2)} s, ${offErr} off by > 1 s`);
    console.log(`    precision by confidence (true/found): ${conf('high')}, ${conf('low')}`);
    if (clockLine) for (const l of clockLine) console.log(l);
    console.log(`    brute force: recall ${pct(btp / positives)}, precision ${pct(btp / Math.max(1, btp + bfp))} in ${fmt(tBrute)}`);
    if (falsePos.length) console.log(`    false positives: ${falsePos.join('; ')}`);
    if (missed.length) console.log(`    missed: ${missed.slice(0, 12).join('; ')}${missed.length > 12 ? ` … (${missed.length})` : ''}`);
    const totalDecode = [...decodeMs.values()].reduce((s, x) => s + x, 0);
    console.log(`    fingerprint ${fmt(fpMs / clips.length)} per clip on average vs single-thread decode ${fmt(totalDecode / clips.length)} (×${(fpMs / totalDecode).toFixed(2)})`);
    if (fps === rates[0]) {
      console.log('    per clip (fingerprint / decode):');
      const rows = perClip.map(([id, ms]) => `${id} ${fmt(ms)} / ${fmt(decodeMs.get(id))}`);
      for (let i = 0; i < rows.length; i += 3) console.log(`      ${rows.slice(i, i + 3).map((r) => r.padEnd(44)).join('')}`);
    }
  }
  if (process.env.BENCH_CLEAN === '1') rmSync(dir, { recursive: true, force: true });
}
