// Walks the media an NGO was handed. Paths stay Buffers from readdir to the final record because
// Linux names are bytes: a cp1251 name from a DVR's FAT stick must still open, and must still be
// documented exactly, even though it is not UTF-8. Everything not yielded as a file is yielded as
// a problem with a reason a person can act on; nothing is dropped silently.
import { constants } from 'node:fs';
import { access, lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { resolve } from 'node:path';
import { displayPath } from './name-decoding.js';

export interface FsFile {
  type: 'file';
  /** The root as passed to walkFs. */
  root: string;
  /** Absolute path, exact bytes, as found (through any symbolic links followed on the way). */
  rawPath: Buffer;
  displayPath: string;
  /** Display form relative to the root, '/'-separated; the base name when the root is a file. */
  relPath: string;
  size: number;
  mtimeMs: number;
  mode: number;
  dev: number;
  ino: number;
  /**
   * Set when the last component of rawPath is a symbolic link that was followed: the resolved
   * absolute path. Readers open this, so they can refuse symbolic links at open time.
   */
  targetPath?: Buffer;
}

export type FsProblemStatus =
  | 'permission-denied'
  | 'unreadable'
  | 'symlink-loop'
  | 'symlink-dangling'
  | 'symlink-outside'
  | 'symlink-not-followed'
  | 'special-file'
  | 'not-found';

export interface FsProblem {
  type: 'problem';
  root: string;
  rawPath: Buffer;
  displayPath: string;
  relPath: string;
  status: FsProblemStatus;
  /** Precise and human: what, where, and the system's error code. */
  reason: string;
}

export interface WalkOptions {
  /** 'inside-roots' (default): follow links whose target lies inside one of the roots. */
  followSymlinks?: 'inside-roots' | 'never';
}

const SLASH = 0x2f;

function joinRaw(dir: Buffer, name: Buffer): Buffer {
  return dir[dir.length - 1] === SLASH ? Buffer.concat([dir, name]) : Buffer.concat([dir, Buffer.from('/'), name]);
}

function joinRel(rel: string, name: string): string {
  return rel === '' ? name : `${rel}/${name}`;
}

function codeOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : 'EUNKNOWN';
}

function statusForCode(code: string): FsProblemStatus {
  if (code === 'EACCES' || code === 'EPERM') return 'permission-denied';
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'not-found';
  if (code === 'ELOOP') return 'symlink-loop';
  return 'unreadable';
}

function specialKind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file or directory';
}

const dirKey = (st: Stats) => `${st.dev}:${st.ino}`;

function isInside(path: Buffer, root: Buffer): boolean {
  if (path.equals(root)) return true;
  if (root.length === 1 && root[0] === SLASH) return true;
  return path.length > root.length && path[root.length] === SLASH && path.subarray(0, root.length).equals(root);
}

class Walker {
  private realRoots: Buffer[] = [];
  // Directories entered through a symbolic link, so that a lattice of links to the same
  // directories (each level linking twice to the next) cannot make the walk exponential.
  private enteredViaLink = new Map<string, string>();

  constructor(
    private readonly follow: 'inside-roots' | 'never',
    private readonly checkReadable: boolean,
  ) {}

  async *walk(roots: string[]): AsyncGenerator<FsFile | FsProblem> {
    const resolved: Array<{ root: string; raw: Buffer }> = [];
    for (const root of roots) {
      const raw = Buffer.from(resolve(root), 'utf8');
      resolved.push({ root, raw });
      try {
        this.realRoots.push(await realpath(raw, { encoding: 'buffer' }));
      } catch {
        // Reported below when the root itself is visited.
      }
    }
    for (const { root, raw } of resolved) yield* this.walkRoot(root, raw);
  }

  private problem(root: string, rawPath: Buffer, relPath: string, status: FsProblemStatus, reason: string): FsProblem {
    return { type: 'problem', root, rawPath, displayPath: displayPath(rawPath), relPath, status, reason };
  }

  private async *walkRoot(root: string, raw: Buffer): AsyncGenerator<FsFile | FsProblem> {
    const disp = displayPath(raw);
    let st: Stats;
    try {
      st = await stat(raw);
    } catch (err) {
      const code = codeOf(err);
      const what = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be reached: permission denied' : 'cannot be examined';
      yield this.problem(root, raw, '', statusForCode(code), `root ${disp} ${what} (${code})`);
      return;
    }
    const base = raw.subarray(raw.lastIndexOf(SLASH) + 1);
    if (st.isDirectory()) {
      yield* this.walkDir(root, raw, '', new Map([[dirKey(st), disp]]));
    } else if (st.isFile()) {
      let target: Buffer | undefined;
      try {
        const lst = await lstat(raw);
        if (lst.isSymbolicLink()) target = await realpath(raw, { encoding: 'buffer' });
      } catch (err) {
        const code = codeOf(err);
        yield this.problem(root, raw, displayPath(base), statusForCode(code), `root ${disp} changed while being examined (${code})`);
        return;
      }
      yield* this.fileEntry(root, raw, displayPath(base), st, target);
    } else {
      yield this.problem(root, raw, displayPath(base), 'special-file', `root ${disp} is ${specialKind(st)}; not opened`);
    }
  }

  private async *walkDir(root: string, dir: Buffer, rel: string, ancestors: Map<string, string>): AsyncGenerator<FsFile | FsProblem> {
    let names: Buffer[];
    try {
      names = await readdir(dir, { encoding: 'buffer' });
    } catch (err) {
      const code = codeOf(err);
      const disp = displayPath(dir);
      const reason =
        code === 'EACCES' || code === 'EPERM'
          ? `permission denied reading directory ${disp} (${code})`
          : code === 'ENOENT'
            ? `directory ${disp} disappeared before it could be read (${code})`
            : `cannot read directory ${disp}: ${(err as Error).message}`;
      yield this.problem(root, dir, rel, statusForCode(code), reason);
      return;
    }
    names.sort(Buffer.compare);
    for (const name of names) {
      const child = joinRaw(dir, name);
      const childRel = joinRel(rel, displayPath(name));
      let lst: Stats;
      try {
        lst = await lstat(child);
      } catch (err) {
        const code = codeOf(err);
        const disp = displayPath(child);
        const reason =
          code === 'ENOENT'
            ? `${disp} disappeared while its directory was being read (${code})`
            : code === 'EACCES'
              ? `permission denied examining ${disp} (${code})`
              : `cannot examine ${disp}: ${(err as Error).message}`;
        yield this.problem(root, child, childRel, statusForCode(code), reason);
        continue;
      }
      if (lst.isSymbolicLink()) {
        yield* this.symlink(root, child, childRel, ancestors);
      } else if (lst.isDirectory()) {
        const key = dirKey(lst);
        const seen = ancestors.get(key);
        if (seen !== undefined) {
          // Only bind mounts make a real directory its own ancestor.
          yield this.problem(root, child, childRel, 'symlink-loop', `directory ${displayPath(child)} is the same directory as its ancestor ${seen} (bind mount?); not walked again`);
          continue;
        }
        yield* this.walkDir(root, child, childRel, new Map(ancestors).set(key, displayPath(child)));
      } else if (lst.isFile()) {
        yield* this.fileEntry(root, child, childRel, lst, undefined);
      } else {
        yield this.problem(root, child, childRel, 'special-file', `${displayPath(child)} is ${specialKind(lst)}; not opened`);
      }
    }
  }

  private async *fileEntry(root: string, raw: Buffer, rel: string, st: Stats, target: Buffer | undefined): AsyncGenerator<FsFile | FsProblem> {
    if (this.checkReadable) {
      try {
        await access(target ?? raw, constants.R_OK);
      } catch (err) {
        const code = codeOf(err);
        const reason = code === 'EACCES' ? `permission denied reading file ${displayPath(raw)} (${code})` : `file ${displayPath(raw)} is not readable (${code})`;
        yield this.problem(root, raw, rel, statusForCode(code), reason);
        return;
      }
    }
    const file: FsFile = {
      type: 'file', root, rawPath: raw, displayPath: displayPath(raw), relPath: rel,
      size: st.size, mtimeMs: st.mtimeMs, mode: st.mode, dev: st.dev, ino: st.ino,
    };
    if (target) file.targetPath = target;
    yield file;
  }

  private async *symlink(root: string, link: Buffer, rel: string, ancestors: Map<string, string>): AsyncGenerator<FsFile | FsProblem> {
    const disp = displayPath(link);
    let to = '?';
    try {
      to = displayPath(await readlink(link, { encoding: 'buffer' }));
    } catch {
      // The target text only decorates the reason; resolution below reports the real failure.
    }
    if (this.follow === 'never') {
      yield this.problem(root, link, rel, 'symlink-not-followed', `symbolic link ${disp} -> '${to}' not followed (followSymlinks: 'never')`);
      return;
    }
    let real: Buffer;
    try {
      real = await realpath(link, { encoding: 'buffer' });
    } catch (err) {
      const code = codeOf(err);
      const status: FsProblemStatus = code === 'ENOENT' || code === 'ENOTDIR' ? 'symlink-dangling' : statusForCode(code);
      const reason =
        status === 'symlink-dangling'
          ? `symbolic link ${disp} points to '${to}', which does not exist (${code})`
          : status === 'symlink-loop'
            ? `symbolic link ${disp} points to '${to}', which leads into a cycle of symbolic links (${code})`
            : `cannot resolve symbolic link ${disp} -> '${to}' (${code})`;
      yield this.problem(root, link, rel, status, reason);
      return;
    }
    if (!this.realRoots.some((r) => isInside(real, r))) {
      yield this.problem(root, link, rel, 'symlink-outside', `symbolic link ${disp} points to '${to}' (${displayPath(real)}), outside the roots being walked; not followed`);
      return;
    }
    let st: Stats;
    try {
      st = await stat(real);
    } catch (err) {
      const code = codeOf(err);
      yield this.problem(root, link, rel, statusForCode(code), `cannot examine ${displayPath(real)}, the target of symbolic link ${disp} (${code})`);
      return;
    }
    if (st.isDirectory()) {
      const key = dirKey(st);
      const ancestor = ancestors.get(key);
      if (ancestor !== undefined) {
        yield this.problem(root, link, rel, 'symlink-loop', `symbolic link ${disp} points to '${to}', the directory ${ancestor} that contains it; not followed (loop)`);
        return;
      }
      const firstLink = this.enteredViaLink.get(key);
      if (firstLink !== undefined) {
        yield this.problem(root, link, rel, 'symlink-loop', `symbolic link ${disp} points to directory ${displayPath(real)}, which this walk already entered through symbolic link ${firstLink}; not walked again`);
        return;
      }
      this.enteredViaLink.set(key, disp);
      yield* this.walkDir(root, link, rel, new Map(ancestors).set(key, disp));
    } else if (st.isFile()) {
      yield* this.fileEntry(root, link, rel, st, real);
    } else {
      yield this.problem(root, link, rel, 'special-file', `symbolic link ${disp} points to ${displayPath(real)}, which is ${specialKind(st)}; not opened`);
    }
  }
}

/**
 * Yields every regular file under the roots, and a problem for everything else, in a
 * deterministic order (directory entries sorted by their raw bytes). A root may be a file.
 */
export function walkFs(roots: string[], opts: WalkOptions = {}): AsyncGenerator<FsFile | FsProblem> {
  return new Walker(opts.followSymlinks ?? 'inside-roots', true).walk(roots);
}

/**
 * Quick pre-pass for a progress bar: the files and bytes walkFs would yield, by the same rules,
 * using stat only (files that turn out unreadable are still counted).
 */
export async function totalSize(roots: string[], opts: WalkOptions = {}): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for await (const entry of new Walker(opts.followSymlinks ?? 'inside-roots', false).walk(roots)) {
    if (entry.type === 'file') {
      files++;
      bytes += entry.size;
    }
  }
  return { files, bytes };
}
