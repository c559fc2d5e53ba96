import { canonicalJson } from '@custodia/ledger';
import { rawPathHexIfInexact, type Acquisition, type Item } from '../evidence.js';

/**
 * The acquisition manifest: every path, size and SHA-256 of what one acquisition found, in
 * canonical JSON so that its hash is reproducible. Raw path bytes are given in hex whenever the
 * display form is not an exact rendering of them.
 */
export function buildManifest(acq: Acquisition, caseName: string, items: Item[]): string {
  const rows = [...items]
    .sort((a, b) => a.id - b.id)
    .map((it) => {
      const rawPathHex = rawPathHexIfInexact(it);
      return {
        item: it.id,
        path: it.displayPath,
        ...(rawPathHex ? { rawPathHex } : {}),
        parent: it.parentId,
        size: it.size,
        sha256: it.sha256,
        mtime: it.mtime,
        kind: it.kind,
        format: it.format,
        status: it.status,
        reason: it.reason,
      };
    });
  return (
    canonicalJson({
      custodiaManifest: 1,
      case: caseName,
      acquisition: {
        id: acq.id,
        kind: acq.kind,
        operator: acq.operator,
        host: acq.host,
        tool: `custodia ${acq.toolVersion}`,
        sourceLabel: acq.sourceLabel,
        note: acq.note,
        roots: acq.roots,
        startedAt: acq.startedAt.toISOString(),
      },
      items: rows,
    }) + '\n'
  );
}
