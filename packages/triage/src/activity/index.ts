// Activity detection in fixed-camera footage: where something moves, per second, robust to sensor
// noise, illumination changes and burned-in clocks.
export { detectActivity, type ActivityMode, type ActivityOptions, type ActivityProgress, type ActivityResult, type ActivityTuning } from './detect.js';
export { extractSegments, DEFAULT_SEGMENT_PARAMS, type ActivitySegment, type SegmentParams } from './segments.js';
export { ActivityAnalyzer, DEFAULT_ANALYZER_PARAMS, type AnalyzerParams, type PairTrace } from './analyzer.js';
export { FrameDiffer, DEFAULT_MOTION_PARAMS, type MotionParams, type PairResult } from './motion.js';
export { OverlayLearner, DEFAULT_OVERLAY_PARAMS, mergeRects, type OverlayParams, type MaskRect } from './overlay-mask.js';
export { streamY4mFrames, parseY4mHeader, type Y4mStreamOptions, type Y4mStreamResult, type Y4mHeader } from './frame-stream.js';
export { ACTIVITY_DETECTOR_VERSION, activityDetectorName } from './version.js';
export { gopHeadDropExpr, DEFAULT_GOP_HEAD, type GopHeadParams } from './gop-head.js';
