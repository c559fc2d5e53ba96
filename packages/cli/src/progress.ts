/** A one-line progress display on a terminal: files, bytes, throughput, ETA. Silent when not a TTY. */
export class ProgressLine {
  private files = 0;
  private bytes = 0;
  private totalFiles = 0;
  private totalBytes = 0;
  private current = '';
  private started = Date.now();
  private last = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    enabled = true,
  ) {
    this.enabled = enabled && out.isTTY === true;
  }

  plan(files: number, bytes: number): void {
    // Throughput and ETA count from here, not from the database start-up before it.
    this.started = Date.now();
    this.totalFiles = files;
    this.totalBytes = bytes;
  }
  grow(files: number): void {
    if (this.files + files > this.totalFiles) this.totalFiles = this.files + files;
  }
  start(name: string): void {
    this.current = name;
    this.draw();
  }
  addBytes(n: number): void {
    this.bytes += n;
    if (this.bytes > this.totalBytes) this.totalBytes = this.bytes;
    this.draw();
  }
  fileDone(): void {
    this.files += 1;
    if (this.files > this.totalFiles) this.totalFiles = this.files;
    this.draw();
  }
  finish(): void {
    if (!this.enabled) return;
    this.draw(true);
    this.out.write('\n');
  }

  private draw(force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 200) return;
    this.last = now;
    const secs = Math.max((now - this.started) / 1000, 0.001);
    const rate = this.bytes / secs;
    const frac = this.totalBytes > 0 ? Math.min(this.bytes / this.totalBytes, 1) : 0;
    const eta = rate > 0 && this.totalBytes > this.bytes ? (this.totalBytes - this.bytes) / rate : 0;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const cols = this.out.columns ?? 100;
    const line =
      `${bar} ${(frac * 100).toFixed(0).padStart(3)}%  ${this.files}/${this.totalFiles} files  ` +
      `${formatBytes(this.bytes)}/${formatBytes(this.totalBytes)}  ${formatBytes(rate)}/s  ETA ${formatDuration(eta)}  ${this.current}`;
    this.out.write(`\r${line.length > cols - 1 ? line.slice(0, cols - 2) + '…' : line.padEnd(cols - 1)}`);
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u += 1;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s <= 0) return '--';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`;
}
