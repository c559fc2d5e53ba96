// What a stored activity result was made with, beside the ffmpeg version: a change of either mode's
// behaviour (what is decoded, the detector's constants) bumps that mode's number, so that a new
// result is new work with its own job key and never taken for an old one.
//
// fast 1: keyframes only, or every frame at 2/s when keyframes are more than 3 s apart.
// fast 2: the same but VP9 keyframes picked from the packets (the decoder ignores -skip_frame), and
//         long GOPs decoded as GOP heads (gop-head.ts) instead of every frame.
// thorough 1: every frame decoded, 5 frames/s at 320x180.
import type { ActivityMode } from './detect.js';

export const ACTIVITY_DETECTOR_VERSION: Readonly<Record<ActivityMode, number>> = { fast: 2, thorough: 1 };

/** "activity fast/2": the detector and mode that made a result, for job keys and records. */
export function activityDetectorName(mode: ActivityMode): string {
  return `activity ${mode}/${ACTIVITY_DETECTOR_VERSION[mode]}`;
}
