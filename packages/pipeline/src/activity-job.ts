// The activity step's job key and the tool its results are recorded under.
//
// The key names the detector's mode and version (@custodia/triage's activityDetectorName) beside
// ffmpeg's, so that a detector whose behaviour changed is new work: its jobs are not taken for the
// ones already done. The recorded tool (activity_runs.tool, the segments' source) is ffmpeg's
// version alone for the detector that made every result stored before versions were named
// (thorough/1): re-running those jobs under their new key finds their results instead of storing
// the same segments twice. Any later version is recorded with its name.
import { activityDetectorName, ACTIVITY_DETECTOR_VERSION, type ActivityMode } from '@custodia/triage';
import type { JobSpec } from '@custodia/store';
import { stepKey } from './steps.js';

/** The mode the pipeline runs. */
export const PIPELINE_ACTIVITY_MODE: ActivityMode = 'thorough';

/** What activity results of `mode` made with ffmpeg `tool` are recorded under. */
export function activityTool(tool: string, mode: ActivityMode = PIPELINE_ACTIVITY_MODE): string {
  return mode === 'thorough' && ACTIVITY_DETECTOR_VERSION.thorough === 1 ? tool : `${tool} ${activityDetectorName(mode)}`;
}

/** The activity job of `sha256`: its key names ffmpeg's version and the detector's mode and version. */
export function activityJob(sha256: string, tool: string, mode: ActivityMode = PIPELINE_ACTIVITY_MODE): JobSpec {
  return { name: 'activity', key: stepKey('activity', sha256, `${tool} ${activityDetectorName(mode)}`), payload: { sha256 } };
}
