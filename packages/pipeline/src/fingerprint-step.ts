// Near-duplicates in the pipeline (ADR 0009): `fingerprint` hashes a video's pictures (two per
// second) after a successful probe and stores them with their multi-index-hashing keys; `duplicates`
// then looks up, by an indexed query on those keys, the few videos of each of the blob's cases that
// share enough keys to be worth matching, matches them in full, and files the blob into the case's
// duplicate groups. No step compares a video with every other one of the case.
// The burned-in clock adds candidates the pictures cannot (ADR 0025): videos of the case with the
// same camera label whose overlay clocks overlap this one's (an index range on the clock's start),
// confirmed by the static pictures at the clock's offset, filed with evidence 'clock'; and it drops a
// low-confidence picture match that the clocks place on another day of the same camera.
import { cameraKey, clockContradicts, confirmAtClockOffset, fingerprintKeys, fingerprintVideo, matchFingerprints, type VideoFingerprint } from '@custodia/triage';
import { MediaInputError, MediaProcessError, type MediaProbe } from '@custodia/media';
import { PermanentJobError, type Job, type JobHandler, type Queryable, type StoredFingerprint } from '@custodia/store';
import type { PipelineDeps } from './media-steps.js';
import { stepKey, stepPayload } from './steps.js';

/** Videos matched in full per case and blob, most keys shared first. */
const MAX_CANDIDATES = 64;

function payloadOf(job: Job) {
  const r = stepPayload.safeParse(job.payload);
  if (!r.success) throw new PermanentJobError(`job ${job.id} (${job.name}) has an invalid payload: ${r.error.issues.map((i) => i.message).join('; ')}`);
  return r.data;
}

const asFingerprint = (f: StoredFingerprint): VideoFingerprint => ({
  version: 1,
  fps: f.fps,
  hashes: f.hashes,
  durationSec: f.durationSec,
  ...(f.algorithm !== 'phash' ? { algorithm: f.algorithm as 'dhash' } : {}),
});

export function createFingerprintSteps(deps: PipelineDeps): { fingerprint: JobHandler; duplicates: JobHandler } {
  const { vault, tools, actor } = deps;
  const tool = tools.version;
  const duplicatesJob = (sha256: string) => ({ name: 'duplicates', key: stepKey('duplicates', sha256, tool), payload: { sha256 } });

  return {
    async fingerprint(job, ctx) {
      const { sha256 } = payloadOf(job);
      const stored = await vault.media.probeOf(sha256);
      if (!stored || stored.status !== 'ok') throw new PermanentJobError(`blob ${sha256} has no successful probe to work from`);
      const facts = stored.facts as unknown as MediaProbe;
      let fp: VideoFingerprint | null = null;
      let reason: string | null = null;
      try {
        fp = await fingerprintVideo(tools, vault.blobs.localPath(sha256), { probe: facts, signal: ctx.signal });
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        // No usable picture is a result to show, not a failure to retry.
        if (!(e instanceof MediaProcessError || e instanceof MediaInputError)) throw e;
        const detail = e instanceof MediaProcessError ? e.stderrTail ?? '' : '';
        reason = `could not fingerprint: ${e.message}${detail ? ` — ffmpeg: ${detail.slice(0, 300)}` : ''}`;
      }
      const record = {
        sha256,
        tool,
        status: fp ? ('ok' as const) : ('failed' as const),
        reason,
        fps: fp?.fps ?? null,
        durationSec: fp?.durationSec ?? null,
        algorithm: fp ? fp.algorithm ?? 'phash' : null,
        hashes: fp?.hashes ?? null,
        keys: fp ? fingerprintKeys(fp) : [],
      };
      return {
        status: fp ? ('success' as const) : ('skipped' as const),
        result: fp ? { hashes: fp.hashes.length, keys: record.keys.length } : { reason },
        // Exact copies of an undecodable video still form a group.
        next: [duplicatesJob(sha256)],
        commit: (tx: Queryable) => vault.duplicates.recordFingerprint(tx, record, actor),
      };
    },

    async duplicates(job) {
      const { sha256 } = payloadOf(job);
      const own = await vault.duplicates.fingerprintOf(sha256);
      const cases = await vault.duplicates.casesOf(sha256);
      type Link = { sha256: string; durationSec: number; offsetSec: number; similarity: number; evidence: 'fingerprint' | 'clock' };
      const plans: { caseId: number; links: Link[]; exact: boolean }[] = [];
      let matched = 0;
      let byClock = 0;
      let contradicted = 0;
      for (const c of cases) {
        const links: Link[] = [];
        if (own) {
          const fp = asFingerprint(own);
          const cands = await vault.duplicates.candidates(sha256, c.caseId, MAX_CANDIDATES);
          const others = await vault.duplicates.fingerprintsOf(cands.map((x) => x.sha256));
          // Overlay readings, to drop low-confidence matches (one look-alike person crossing) that the
          // clocks place on another day of the same camera.
          const overlays = await vault.overlay.overlayOf([sha256, ...others.map((o) => o.sha256)]);
          const clockOf = (sha: string, durationSec: number) => ({ label: overlays.get(sha)?.cameraLabel ?? null, start: overlays.get(sha)?.startTime ?? null, durationSec });
          for (const o of others) {
            if (o.fps !== own.fps || o.algorithm !== own.algorithm) continue;
            const m = matchFingerprints(fp, asFingerprint(o));
            if (!m.similar) continue;
            if (m.confidence === 'low' && clockContradicts(clockOf(sha256, own.durationSec), clockOf(o.sha256, o.durationSec), m.offsetSec)) {
              contradicted += 1;
              continue;
            }
            links.push({ sha256: o.sha256, durationSec: o.durationSec, offsetSec: m.offsetSec, similarity: Number.isFinite(m.unexplained) ? 1 - m.unexplained : 0, evidence: 'fingerprint' });
          }
          // Clock candidates the pictures did not link: same camera label, overlapping clocks.
          const clock = await vault.duplicates.clockCandidates(sha256, c.caseId, own.durationSec, MAX_CANDIDATES);
          const label = clock.own ? cameraKey(clock.own.cameraLabel) : null;
          const start = clock.own ? Date.parse(clock.own.startTime) : Number.NaN;
          const fresh = clock.others.filter((x) => cameraKey(x.cameraLabel) === label && !links.some((l) => l.sha256 === x.sha256));
          const clockFps = await vault.duplicates.fingerprintsOf(fresh.map((x) => x.sha256));
          for (const o of clockFps) {
            if (o.fps !== own.fps || o.algorithm !== own.algorithm) continue;
            const offsetSec = (Date.parse(fresh.find((x) => x.sha256 === o.sha256)!.startTime) - start) / 1000;
            if (Math.min(own.durationSec, offsetSec + o.durationSec) - Math.max(0, offsetSec) < 5) continue;
            const m = confirmAtClockOffset(fp, asFingerprint(o), offsetSec);
            if (!m.similar) continue;
            // Similarity: the share of the static picture reproduced (1 − mean distance / 64 bits).
            links.push({ sha256: o.sha256, durationSec: o.durationSec, offsetSec: m.offsetSec, similarity: Math.max(0, 1 - m.meanDistance / 64), evidence: 'clock' });
            byClock += 1;
          }
        }
        matched += links.length;
        plans.push({ caseId: c.caseId, links, exact: c.items > 1 });
      }
      const durationSec = own?.durationSec ?? 0;
      return {
        status: 'success' as const,
        result: { cases: cases.length, matched, byClock, contradicted },
        commit: async (tx: Queryable) => {
          for (const p of plans) await vault.duplicates.applyDuplicates(tx, p.caseId, { sha256, durationSec }, p.links, p.exact, actor);
        },
      };
    },
  };
}
