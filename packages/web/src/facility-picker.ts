// Archived facilities (and the nodes under them) are hidden from the pickers of new documentation;
// a value already chosen stays offered, so editing an old record never drops its place.
import type { Id } from './api-types.js';

interface Node {
  id: Id;
  parentId?: Id | null;
  archived?: boolean;
}

/** Archived, or under an archived node. */
export function isRetired(all: Node[], f: Node): boolean {
  const byId = new Map(all.map((x) => [String(x.id), x]));
  for (let p: Node | undefined = f, hops = 0; p && hops < 64; p = p.parentId == null ? undefined : byId.get(String(p.parentId)), hops++) {
    if (p.archived) return true;
  }
  return false;
}

/** What a picker offers: the facilities in use, plus the ones already selected. */
export function pickable<T extends Node>(all: T[], selected: (Id | string | null | undefined)[] = []): T[] {
  const keep = new Set(selected.filter((x) => x != null && x !== '').map(String));
  return all.filter((f) => keep.has(String(f.id)) || !isRetired(all, f));
}
