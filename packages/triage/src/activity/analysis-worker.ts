// The frame analysis of thorough mode, in a worker thread: the main thread keeps reading ffmpeg's
// stdout while frames are compared here, so decoding and analysis overlap instead of taking turns
// (ffmpeg blocks as soon as the 64 KiB pipe holds one unread 320x180 frame).
import { parentPort, workerData } from 'node:worker_threads';
import { ActivityAnalyzer, type AnalyzerParams } from './analyzer.js';

export interface AnalysisWorkerData {
  width: number;
  height: number;
  rate: number;
  params: AnalyzerParams;
}

export type AnalysisWorkerRequest = { type: 'frames'; frames: ArrayBuffer[] } | { type: 'finish' };

export type AnalysisWorkerReply =
  | { type: 'ack'; count: number; frames: number }
  | { type: 'result'; curve: number[]; globalChanges: number[]; masked: ActivityAnalyzer['masked']; frames: number; maxRepeat: number };

const port = parentPort;
if (port) {
  const d = workerData as AnalysisWorkerData;
  const a = new ActivityAnalyzer(d.width, d.height, d.rate, d.params);
  port.on('message', (msg: AnalysisWorkerRequest) => {
    if (msg.type === 'frames') {
      for (const f of msg.frames) a.push(new Uint8Array(f));
      port.postMessage({ type: 'ack', count: msg.frames.length, frames: a.frames } satisfies AnalysisWorkerReply);
    } else {
      a.finish();
      port.postMessage({ type: 'result', curve: a.curve, globalChanges: a.globalChanges, masked: a.masked, frames: a.frames, maxRepeat: a.maxRepeat } satisfies AnalysisWorkerReply);
    }
  });
}
