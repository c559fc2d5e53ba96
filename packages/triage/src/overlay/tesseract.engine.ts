// Tesseract (tesseract.js, WebAssembly) for overlay lines, strictly offline. Language data come
// from local files only: English from the npm package @tesseract.js-data/eng, Russian from Debian's
// tesseract-ocr-rus. tesseract.js falls back to a CDN when no `langPath` is given, so a missing
// file is an error here before any worker is made, never a download. The core (WASM) and the worker
// script are loaded from node_modules by tesseract.js's Node build.
//
// Workers take seconds to start and ~100 MB each: one set per process, made on first use, reused by
// every job (calls are serialised per worker: parameters are per worker), terminated by close() or
// after a short idle time, so a finished process never waits on a worker thread.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Tesseract from 'tesseract.js';

const require = createRequire(import.meta.url);

export interface OcrWord {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}

export interface OcrLine {
  text: string;
  /** 0–100, Tesseract's mean word confidence. */
  confidence: number;
  words: OcrWord[];
}

export type OcrMode = 'clock' | 'text';

export interface OverlayOcrOptions {
  /** Folder holding eng.traineddata.gz. Default: @tesseract.js-data/eng's 4.0.0 folder. */
  engDir?: string;
  /** rus.traineddata (uncompressed, Debian's tesseract-ocr-rus); null for none. Default: found under /usr/share/tesseract-ocr. */
  rusFile?: string | null;
  /** Terminate idle workers after this long. Default 15 s. */
  idleMs?: number;
}

/** Where Debian puts tesseract's language data (the version folder varies: 4.00, 5). */
export function findDebianTessdata(lang: string): string | null {
  const root = '/usr/share/tesseract-ocr';
  for (const v of ['5', '4.00', '4', '']) {
    const p = join(root, v, 'tessdata', `${lang}.traineddata`);
    if (existsSync(p)) return p;
  }
  return null;
}

const CLOCK_CHARS = '0123456789-:./ APMapm';

interface Slot {
  worker: Promise<Tesseract.Worker> | null;
  queue: Promise<unknown>;
  mode: OcrMode | null;
}

/**
 * A lazily started, shared set of Tesseract workers reading single overlay lines.
 *
 * @example
 *   const ocr = new OverlayOcr();
 *   const line = await ocr.readLine(pgm, 'clock'); // "2024-03-15 14:21:52"
 *   await ocr.close();
 */
export class OverlayOcr {
  readonly engDir: string;
  readonly rusFile: string | null;
  private readonly idleMs: number;
  private eng: Slot = { worker: null, queue: Promise.resolve(), mode: null };
  private rus: Slot = { worker: null, queue: Promise.resolve(), mode: null };
  private busy = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private versionText: string | null = null;
  /** Time spent recognising (ms) and calls made, for benchmarks. */
  readonly stats = { calls: 0, ms: 0 };

  constructor(opts: OverlayOcrOptions = {}) {
    this.engDir = opts.engDir ?? join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0');
    this.rusFile = opts.rusFile === undefined ? findDebianTessdata('rus') : opts.rusFile;
    this.idleMs = opts.idleMs ?? 15_000;
    if (!existsSync(join(this.engDir, 'eng.traineddata.gz'))) {
      throw new Error(`English OCR data is missing: ${join(this.engDir, 'eng.traineddata.gz')} (npm package @tesseract.js-data/eng)`);
    }
    if (this.rusFile !== null && !existsSync(this.rusFile)) throw new Error(`Russian OCR data is missing: ${this.rusFile} (Debian package tesseract-ocr-rus)`);
  }

  /** Whether Cyrillic can be read (Debian's rus data is present). */
  get cyrillic(): boolean {
    return this.rusFile !== null;
  }

  /** What reads: tesseract.js and the exact language data (hash prefixes), for the ledger. */
  version(): string {
    if (this.versionText) return this.versionText;
    const tjs = (require('tesseract.js/package.json') as { version: string }).version;
    const engPkg = (require('@tesseract.js-data/eng/package.json') as { version: string }).version;
    const h = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 12);
    const parts = [`tesseract.js ${tjs}`, `eng @tesseract.js-data/eng ${engPkg} sha256:${h(join(this.engDir, 'eng.traineddata.gz'))}`];
    if (this.rusFile) parts.push(`rus ${this.rusFile} sha256:${h(this.rusFile)}`);
    this.versionText = parts.join('; ');
    return this.versionText;
  }

  private start(lang: 'eng' | 'rus'): Promise<Tesseract.Worker> {
    const workerPath = join(dirname(require.resolve('tesseract.js/package.json')), 'src', 'worker-script', 'node', 'index.js');
    const common = { workerPath, cacheMethod: 'none', errorHandler: () => {} };
    if (lang === 'eng') return Tesseract.createWorker('eng', Tesseract.OEM.LSTM_ONLY, { ...common, langPath: this.engDir, gzip: true });
    return Tesseract.createWorker('rus', Tesseract.OEM.LSTM_ONLY, { ...common, langPath: dirname(this.rusFile!), gzip: false });
  }

  /** Runs `fn` on the worker of `lang`, after any call already queued on it. */
  private async use<T>(lang: 'eng' | 'rus', mode: OcrMode, fn: (w: Tesseract.Worker) => Promise<T>): Promise<T> {
    const slot = lang === 'eng' ? this.eng : this.rus;
    this.busy += 1;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const run = slot.queue.then(async () => {
      if (!slot.worker) {
        slot.worker = this.start(lang);
        slot.mode = null;
      }
      const w = await slot.worker.catch((e: unknown) => {
        slot.worker = null;
        throw e;
      });
      if (slot.mode !== mode) {
        await w.setParameters({
          tessedit_pageseg_mode: Tesseract.PSM.SINGLE_LINE,
          tessedit_char_whitelist: mode === 'clock' ? CLOCK_CHARS : '',
          preserve_interword_spaces: '1',
          // Crops carry no resolution; without one Tesseract guesses it and says so.
          user_defined_dpi: '300',
          // Tesseract's diagnostics would land on the process's stdout (and break `--json` output).
          debug_file: '/dev/null',
        });
        slot.mode = mode;
      }
      return fn(w);
    });
    slot.queue = run.catch(() => {});
    try {
      return await run;
    } finally {
      this.busy -= 1;
      if (this.busy === 0 && this.idleMs > 0) {
        this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
        this.idleTimer.unref();
      }
    }
  }

  /** Reads one line image (PGM/PNG bytes). 'clock' restricts the characters to digits, separators and AM/PM. */
  readLine(image: Buffer, mode: OcrMode, lang: 'eng' | 'rus' = 'eng'): Promise<OcrLine> {
    if (lang === 'rus' && !this.rusFile) return Promise.reject(new Error('no Russian OCR data (Debian package tesseract-ocr-rus)'));
    return this.use(lang, mode, async (w) => {
      const t0 = performance.now();
      const r = await w.recognize(image, {}, { text: true, blocks: true });
      this.stats.calls += 1;
      this.stats.ms += performance.now() - t0;
      const words: OcrWord[] = [];
      for (const b of r.data.blocks ?? []) for (const p of b.paragraphs) for (const l of p.lines) for (const wd of l.words) words.push({ text: wd.text, confidence: wd.confidence, bbox: wd.bbox });
      return { text: r.data.text.replace(/\s+$/u, '').replace(/\n+/g, ' '), confidence: r.data.confidence, words };
    });
  }

  /** Reads a whole frame the naive way (no locating, no preprocessing): the benchmark's baseline. */
  readPage(image: Buffer): Promise<OcrLine> {
    const slot = this.eng;
    return this.use('eng', 'text', async (w) => {
      await w.setParameters({ tessedit_pageseg_mode: Tesseract.PSM.AUTO, tessedit_char_whitelist: '', user_defined_dpi: '', debug_file: '/dev/null' });
      slot.mode = null;
      const r = await w.recognize(image);
      return { text: r.data.text, confidence: r.data.confidence, words: [] };
    });
  }

  /** Terminates the workers (waiting for calls in flight). Safe to call twice; later calls start new workers. */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const stop = async (slot: Slot): Promise<void> => {
      await slot.queue;
      const w = slot.worker;
      slot.worker = null;
      slot.mode = null;
      if (w) await (await w.catch(() => null))?.terminate();
    };
    await Promise.all([stop(this.eng), stop(this.rus)]);
  }
}

let shared: OverlayOcr | null = null;

/** The process's OCR workers (made on first use). */
export function sharedOverlayOcr(): OverlayOcr {
  shared ??= new OverlayOcr();
  return shared;
}

/** Terminates the process's OCR workers, if any were made. Call where a pipeline worker stops. */
export async function closeSharedOverlayOcr(): Promise<void> {
  const s = shared;
  shared = null;
  await s?.close();
}
