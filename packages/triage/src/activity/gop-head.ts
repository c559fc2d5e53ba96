// Long GOPs in fast mode: decode only the head of every GOP.
//
// A keyframe-only decode sees one picture per GOP; with keyframes 4 s or more apart a 3-s event can
// fall between two of them. Decoding every frame costs a full decode. In between: after each
// keyframe, keep the packets of the first part of the GOP and drop the rest before anything is
// decoded. A GOP's head decodes on its own (every frame in it refers only to frames before it in
// decode order, back to the keyframe), so the decoder never misses a reference; the dropped tail
// leaves a stretch without pictures of at most `gapSec` before the next keyframe.
//
// The cut is made by ffmpeg's `noise` bitstream filter in a stream copy, with an expression that
// keeps its state between packets (st/ld): the packet number of the last keyframe and the length of
// the GOP before it. Each GOP keeps `previous GOP length − gap` packets (at least `minSec`), so a
// stream whose GOP length changes adapts from the next GOP on; the first GOP is kept whole.
// Packets are counted, not timed: container timestamps reach the filter in the muxer's time base,
// and raw elementary streams have none.

export interface GopHeadParams {
  /** The longest stretch without a decoded picture before each keyframe (seconds). */
  gapSec: number;
  /** Each GOP keeps at least this much (seconds). */
  minSec: number;
}

export const DEFAULT_GOP_HEAD: GopHeadParams = { gapSec: 2.5, minSec: 1 };

/**
 * The `noise` bitstream filter's `drop` expression (commas escaped for the -bsf option) for a
 * stream of `fps` packets per second: true for the packets to drop.
 */
export function gopHeadDropExpr(fps: number, p: GopHeadParams = DEFAULT_GOP_HEAD): string {
  if (!(fps > 0 && fps <= 1000)) throw new RangeError(`fps must be in (0, 1000], not ${fps}`);
  if (!(p.gapSec > 0 && p.minSec > 0)) throw new RangeError('gapSec and minSec must be positive');
  const gap = Math.max(1, Math.round(p.gapSec * fps));
  const min = Math.max(1, Math.round(p.minSec * fps));
  // 0: packet number of the last keyframe; 2: length of the GOP before it (0 while unknown).
  const expr = [
    'st(2,if(key*gt(n,ld(0)),n-ld(0),ld(2)))',
    'st(0,if(key,n,ld(0)))',
    `gt(n-ld(0),if(ld(2),max(${min},ld(2)-${gap})-1,1e9))`,
  ].join(';');
  return expr.replace(/,/g, '\\,');
}
