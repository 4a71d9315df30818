/**
 * V8 code caches made where hoptrace runs, for the Node version and the folder it runs in.
 *
 * A cache fits one Node version and one folder (in another, V8 takes it, but every stack frame
 * then names the folder it was made for), so hoptrace saves the code V8 compiled once per build,
 * Node version and install folder, after the first start, and later starts load it. Where: beside
 * the bundle (dist/code-cache/) when the package folder is writable, else in a folder of this
 * user's own under the system's temporary folder (created 0700, used only when it is a real folder
 * owned by this user, so no other user can hand hoptrace a cache). Any failure — a read-only install, no temporary folder, a full disk —
 * just means no cache: nothing is thrown, nothing waits.
 */
import { closeSync, constants, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CodeCacheStore {
  read(): Buffer | undefined;
  /** Saves `data`; returns where, or undefined when no folder would take it. */
  write(data: Buffer): string | undefined;
}

export function codeCacheStore(bundleFile: string, buildId: string): CodeCacheStore {
  const bundleDir = dirname(bundleFile);
  // The folder is part of the name: two installs of one build share the user's temporary folder.
  const file = `hoptrace-${buildId}-${process.version}-${process.arch}-${fnv1a(bundleFile)}.cache`;
  const folders = (): string[] => [join(bundleDir, 'code-cache'), userTempFolder()].filter((f): f is string => f !== undefined);
  return {
    read() {
      for (const folder of folders()) {
        if (folder !== join(bundleDir, 'code-cache') && !ownedByThisUser(folder)) continue;
        const data = readTrustedFile(join(folder, file));
        if (data !== undefined) return data;
      }
      return undefined;
    },
    write(data) {
      for (const folder of folders()) {
        try {
          // Not recursive: both parents exist, and a recursive mkdir spins forever on some file systems (TMPDIR=/proc).
          if (!existsSync(folder)) mkdirSync(folder, { mode: 0o700 });
          if (folder !== join(bundleDir, 'code-cache') && !ownedByThisUser(folder)) continue;
          writeAtomically(join(folder, file), data);
          return folder;
        } catch {
          // Not writable here: try the next place.
        }
      }
      return undefined;
    },
  };
}

function userTempFolder(): string | undefined {
  try {
    const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
    return join(tmpdir(), `hoptrace-code-cache-${uid}`);
  } catch {
    return undefined;
  }
}

/**
 * The cache's bytes, only from a file that no one else could have put there: opened without
 * following a symbolic link, then checked on the open descriptor (not by path again, which could
 * change in between): a regular file, owned by this user (or root, for a package folder root
 * installed), writable by no group or other. V8 runs what a cache holds when its length and
 * version fit, whatever source made it.
 */
function readTrustedFile(path: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    const stat = fstatSync(fd);
    const uid = typeof process.getuid === 'function' ? process.getuid() : stat.uid;
    if (!stat.isFile() || (stat.uid !== uid && stat.uid !== 0) || (stat.mode & 0o022) !== 0) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined; // Not there, or not a file to trust: no cache.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function ownedByThisUser(folder: string): boolean {
  try {
    const stat = lstatSync(folder);
    const uid = typeof process.getuid === 'function' ? process.getuid() : stat.uid;
    return stat.isDirectory() && stat.uid === uid && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** Several processes may start at once: each writes its own file and renames it into place. */
function writeAtomically(target: string, data: Buffer): void {
  const temporary = `${target}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temporary, target);
  } catch (error) {
    unlinkSync(temporary);
    throw error;
  }
}

/** A short hash of a string (32-bit FNV-1a), without loading node:crypto at start-up. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
