// Turning "ffprobe could not open it" into one precise, human-readable reason.
import type { FileStructure } from './file-structure.js';
import type { ProbeFailure } from './media-types.js';

export interface FsProblem {
  code: string;
  message: string;
}

const FS_MESSAGES: Record<string, string> = {
  ENOENT: 'the file does not exist (it may have been moved or deleted)',
  EACCES: 'permission to read the file is denied',
  EPERM: 'permission to read the file is denied',
  EISDIR: 'the path is a directory, not a file',
  EIO: 'the storage reported an input/output error while reading it (failing disk or network share?)',
  ELOOP: 'the path is a loop of symbolic links',
};

export function fsFailure(problem: FsProblem, tool: string): ProbeFailure {
  return {
    kind: 'unreadable',
    message: `The file cannot be read: ${FS_MESSAGES[problem.code] ?? problem.message}.`,
    tool,
  };
}

/** ffprobe exited without describing any stream: decide why. */
export function classifyOpenFailure(structure: FileStructure, stderr: string, tool: string): ProbeFailure {
  if (/Format not on whitelist/i.test(stderr)) {
    const fmt = /\[(\S+) @/.exec(stderr)?.[1];
    return {
      kind: 'unknown-format',
      message: `The file is in a format${fmt ? ` (${fmt})` : ''} that Custodia does not open: only common video, audio, image and CCTV/DVR formats are read, so that a hostile file cannot make ffmpeg open other files or use rarely-audited parsers.`,
      tool,
    };
  }
  if (/Input\/output error/i.test(stderr)) {
    return { kind: 'unreadable', message: 'The file cannot be read: the storage reported an input/output error.', tool };
  }
  if (/Permission denied/i.test(stderr)) {
    return { kind: 'unreadable', message: 'The file cannot be read: permission denied.', tool };
  }
  if (/No such file or directory/i.test(stderr)) {
    return { kind: 'unreadable', message: 'The file cannot be read: it does not exist.', tool };
  }
  switch (structure.family) {
    case 'empty':
      return { kind: 'unknown-format', message: 'The file is empty (0 bytes): there is nothing in it to identify or play.', tool };
    case 'text':
      return { kind: 'unknown-format', message: 'The file holds text, not audio, video or an image (whatever its name says).', tool };
    default:
      break;
  }
  if (structure.mdatWithoutMoov) {
    return {
      kind: 'truncated',
      message:
        'The MP4/MOV file holds media data but no index (moov box): the recording or copy was cut off before the index, which such files keep at the end, was written. No player can open it as it is; salvage with a healthy file from the same camera can rebuild a playable copy.',
      tool,
    };
  }
  if (structure.truncatedHint) {
    return { kind: 'truncated', message: `The file is cut off and what remains cannot be opened: ${structure.truncatedHint}.`, tool };
  }
  if (structure.family === 'iso-bmff') {
    return {
      kind: 'unknown-format',
      message: 'The file is laid out as MP4/MOV, but its index is damaged or unsupported, so nothing in it can be opened.',
      tool,
    };
  }
  return {
    kind: 'unknown-format',
    message: 'ffmpeg does not recognise this as audio, video or an image: it is another kind of file, encrypted, or damaged beyond recognition.',
    tool,
  };
}

export function noStreamsFailure(types: string[], tool: string): ProbeFailure {
  const what = types.length === 0 ? 'no streams at all' : `only ${[...new Set(types)].join(', ')} streams`;
  return { kind: 'no-video-stream', message: `The file has no video or audio to play: it holds ${what}.`, tool };
}

export function undecodableFailure(codec: string, container: string | null, tool: string): ProbeFailure {
  return {
    kind: 'no-decodable-frames',
    message: `The file's structure could be read (${codec} video in ${container ?? 'an unknown container'}), but not one frame of its video decodes: the media data is damaged, scrambled or encrypted, or the codec is not supported.`,
    tool,
  };
}
