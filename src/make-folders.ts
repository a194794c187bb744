/**
 * `mkdir -p` that always ends. Node's `mkdirSync(dir, { recursive: true })` loops without end, at
 * 100% CPU, when a folder exists but takes no new entries and answers ENOENT (a pseudo file
 * system: /proc/anything, some FUSE mounts). Here each missing level is made in turn, from the
 * deepest folder that exists, so such a folder is one clear environment error (exit 4).
 */
import { existsSync, lstatSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { environmentError } from './errors.js';

/** Creates `dir` and the folders above it that are missing. `flag` names the option in the hint. */
export function makeFolders(dir: string, flag = '--out'): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); !existsSync(at); ) {
    missing.push(at);
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Made meanwhile by someone else (another shard writing to the same reports folder): fine.
      if (code === 'EEXIST' && isFolder(folder)) continue;
      // A symbolic link whose target is missing, or links that loop: it is not a file either.
      if (code === 'EEXIST' && isLink(folder))
        throw environmentError('NOT_A_FOLDER', `${folder}: a symbolic link that leads to no folder (its target is missing, or the links loop)`, `fix the link, or choose another path with ${flag}`, e);
      if (code === 'ENOENT')
        throw environmentError('NOT_WRITABLE', `nothing can be created in ${path.dirname(folder)} (wanted ${path.resolve(dir)})`, `choose another path with ${flag}`, e);
      throw e;
    }
  }
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
