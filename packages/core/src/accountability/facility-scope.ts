import type { Facility } from '../facilities/facility.types.js';

/** A facility and everything under it (a region's facilities, a facility's units), as ids. */
export function facilitiesUnder(all: readonly Facility[], rootId: number): number[] {
  const children = new Map<number, number[]>();
  for (const f of all) if (f.parentId !== null) children.set(f.parentId, [...(children.get(f.parentId) ?? []), f.id]);
  const out: number[] = [];
  const stack = [rootId];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (out.includes(id)) continue;
    out.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}
