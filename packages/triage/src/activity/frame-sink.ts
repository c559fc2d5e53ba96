// Where detectActivity() sends decoded frames: to an ActivityAnalyzer in this thread, or to one in a
// worker thread (thorough mode: analysis overlaps decoding), with back-pressure on ffmpeg's output.
import { Worker } from 'node:worker_threads';
import { ActivityAnalyzer, type AnalyzerParams, type PairTrace } from './analyzer.js';
import type { AnalysisWorkerData, AnalysisWorkerReply, AnalysisWorkerRequest } from './analysis-worker.js';
import type { Y4mHeader } from './frame-stream.js';
import type { MaskRect } from './overlay-mask.js';

/** What a pass learnt about the video. */
export interface Analysis {
  width: number;
  height: number;
  rate: number;
  frames: number;
  curve: number[];
  globalChanges: number[];
  masked: MaskRect[];
}

/** Where frames go: analysed in this thread, or in a worker thread. */
export interface FrameSink {
  push(frame: Uint8Array): void;
  readonly frames: number;
  finish(): Promise<Analysis>;
  dispose(): void;
}

export class InlineSink implements FrameSink {
  readonly a: ActivityAnalyzer;
  constructor(h: Y4mHeader, rate: number, params: AnalyzerParams, trace?: (p: PairTrace) => void) {
    this.a = new ActivityAnalyzer(h.width, h.height, rate, params, trace);
  }
  get frames(): number {
    return this.a.frames;
  }
  push(frame: Uint8Array): void {
    this.a.push(frame);
  }
  finish(): Promise<Analysis> {
    const a = this.a;
    a.finish();
    return Promise.resolve({ width: a.width, height: a.height, rate: a.rate, frames: a.frames, curve: a.curve, globalChanges: a.globalChanges, masked: a.masked });
  }
  dispose(): void {}
}

/** Frames sent in one message, and the most frames in flight before reading pauses (~1.4 MB at 320x180). */
const BATCH = 4;
const MAX_IN_FLIGHT = 24;

export class WorkerSink implements FrameSink {
  private readonly worker: Worker;
  private batch: ArrayBuffer[] = [];
  private inFlight = 0;
  private paused = false;
  private sent = 0;
  private failure: Error | null = null;
  private result: ((r: Analysis) => void) | null = null;
  private fail: ((e: Error) => void) | null = null;

  constructor(
    private readonly h: Y4mHeader,
    private readonly rate: number,
    params: AnalyzerParams,
    private readonly flow: () => { pause(): void; resume(): void } | null,
  ) {
    const data: AnalysisWorkerData = { width: h.width, height: h.height, rate, params };
    this.worker = new Worker(new URL('./analysis-worker.js', import.meta.url), { workerData: data });
    this.worker.on('message', (m: AnalysisWorkerReply) => {
      if (m.type === 'ack') {
        this.inFlight -= m.count;
        if (this.paused && this.inFlight <= MAX_IN_FLIGHT / 2) {
          this.paused = false;
          this.flow()?.resume();
        }
      } else {
        this.result?.({ width: h.width, height: h.height, rate, frames: m.frames, curve: m.curve, globalChanges: m.globalChanges, masked: m.masked });
      }
    });
    this.worker.on('error', (e) => {
      this.failure = e;
      this.fail?.(e);
    });
  }
  get frames(): number {
    return this.sent + this.batch.length;
  }
  push(frame: Uint8Array): void {
    if (this.failure) throw this.failure;
    this.batch.push(frame.slice().buffer);
    if (this.batch.length >= BATCH) this.send();
  }
  private send(): void {
    if (this.batch.length === 0) return;
    const frames = this.batch;
    this.batch = [];
    this.sent += frames.length;
    this.inFlight += frames.length;
    this.worker.postMessage({ type: 'frames', frames } satisfies AnalysisWorkerRequest, frames);
    if (!this.paused && this.inFlight > MAX_IN_FLIGHT) {
      this.paused = true;
      this.flow()?.pause();
    }
  }
  finish(): Promise<Analysis> {
    this.send();
    return new Promise<Analysis>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.result = resolve;
      this.fail = reject;
      this.worker.postMessage({ type: 'finish' } satisfies AnalysisWorkerRequest);
    });
  }
  dispose(): void {
    void this.worker.terminate();
  }
}
