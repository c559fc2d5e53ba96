// What probing a file tells about it, normalised from ffprobe's (untrusted) output.

export type ProbeFailureKind = 'no-video-stream' | 'truncated' | 'unknown-format' | 'unreadable' | 'no-decodable-frames';

export interface ProbeFailure {
  kind: ProbeFailureKind;
  /** For people: what is wrong and what can be done. */
  message: string;
  /** ffprobe's/ffmpeg's own last error lines, verbatim ('' when no tool said anything). */
  tool: string;
}

export interface VideoInfo {
  codec: string;
  profile?: string;
  /** Coded width/height as stored (before rotation). */
  width: number;
  height: number;
  fps: number | null;
  pixFmt: string | null;
  /** Frame count: from the container, or counted when the duration had to be decoded. */
  frames?: number;
  /** Clockwise degrees (90, 180, 270) the picture is turned for display; absent when 0. */
  rotation?: number;
  /** Pixel aspect ratio when not square, e.g. "12:11" (analogue-era DVR footage). */
  sampleAspectRatio?: string;
  /** The stream reorders frames (B-frames): its raw form cannot be stream-copied into MP4. */
  hasBFrames?: boolean;
  /** Interlaced (field-coded) video: proxies deinterlace it. */
  interlaced?: boolean;
}

export interface AudioInfo {
  codec: string;
  channels: number;
  sampleRate: number;
}

export interface MediaProbe {
  status: 'ok' | 'failed';
  failure?: ProbeFailure;
  /** ffprobe's format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "h264", "matroska,webm". */
  container: string | null;
  formatLongName: string | null;
  durationSec: number | null;
  durationSource: 'container' | 'decoded' | 'none';
  bitRate: number | null;
  video: VideoInfo | null;
  audio: AudioInfo | null;
  streams: { index: number; type: string; codec: string }[];
  tags: { creationTime?: string; device?: string; encoder?: string; raw: Record<string, string> };
  image: { width: number; height: number; exif?: Record<string, string> } | null;
  /** Set when the file's own structure says it is incomplete (it may still play partly). */
  truncatedHint?: string;
}

/** Input a probe said cannot be used for this operation. */
export class MediaInputError extends Error {
  override name = 'MediaInputError';
  constructor(
    readonly kind: ProbeFailureKind,
    message: string,
    /** The tool's own last error lines, verbatim. */
    readonly tool = '',
  ) {
    super(message);
  }
}

/** Demuxers of elementary streams: no container, no timestamps, no index. */
export const RAW_STREAM_FORMATS: ReadonlySet<string> = new Set([
  'h264', 'hevc', 'mpegvideo', 'm4v', 'h263', 'h261', 'cavsvideo', 'avs2', 'avs3', 'vc1', 'dirac', 'mjpeg', 'obu', 'mjpeg_2000',
]);

/** Demuxers of still images. */
export const IMAGE_FORMATS: ReadonlySet<string> = new Set([
  'image2', 'jpeg_pipe', 'png_pipe', 'bmp_pipe', 'tiff_pipe', 'webp_pipe', 'jpegls_pipe', 'j2k_pipe',
]);

export function isRawStream(probe: Pick<MediaProbe, 'container'>): boolean {
  const first = probe.container?.split(',')[0] ?? '';
  return RAW_STREAM_FORMATS.has(first);
}
