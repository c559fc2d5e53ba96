import { stat } from 'node:fs/promises';
import { fileUrl, safeInputOptions, type MediaTools } from './media-tools.js';
import { lastLines, MediaProcessError, runTool } from './run-tool.js';

/**
 * Writes one JPEG frame of `input` (`atSec` in, or the first frame of a shorter file) to `output`,
 * at most 1280 pixels wide. The public site's posters are taken this way from the redacted file
 * itself, so that nothing the redaction hid can show in a poster.
 *
 * @example await posterFrame(tools, 'media/ab12….mp4', 'media/ab12….poster.jpg')
 */
export async function posterFrame(tools: MediaTools, input: string, output: string, atSec = 1, signal?: AbortSignal): Promise<void> {
  const run = async (seek: string[]) => {
    const args = [
      '-nostdin', '-hide_banner', '-v', 'error', '-nostats', ...seek, ...safeInputOptions(), '-i', fileUrl(input),
      '-vf', "scale='min(1280,iw)':-2", '-frames:v', '1', '-q:v', '4', '-f', 'image2', '-y', output,
    ];
    const r = await runTool(tools.ffmpeg, args, { signal, timeoutMs: 60_000 });
    if (r.code !== 0) throw new MediaProcessError(`ffmpeg could not take a poster frame of ${input}: ${lastLines(r.stderrTail)}`, 'ffmpeg', args, r.code, r.stderrTail);
    return ((await stat(output).catch(() => null))?.size ?? 0) > 0;
  };
  // A clip shorter than atSec gives no frame when seeked: take its first one.
  if (await run(['-ss', String(atSec)])) return;
  if (!(await run([]))) throw new MediaProcessError(`ffmpeg wrote no poster frame for ${input}`, 'ffmpeg', [], 0, '');
}
