// Precompressed siblings (<file>.br, <file>.gz) of a served folder's compressible files, written
// once at build time (`npm run site:build`, and again for the workshop bundle) so the server
// (static-files.ts) sends them to browsers that accept them without compressing per request. In a
// workshop 30 learners load the same page at once: v86's 2.1 MB wasm goes out as ~0.3 MB, the
// site's scripts and the lab's file index at a fifth of their size.
import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { PRECOMPRESSED } from './static-files.ts';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Types worth compressing; everything else (zstd state and files, fonts, images) is compressed already. */
export const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.webmanifest', '.txt', '.xml', '.svg', '.wasm', '.bin']);

/** Below this a sibling saves less than its own request overhead. */
export const MIN_BYTES = 1024;

/** A sibling is kept only if it is at most this fraction of the file. */
export const MAX_RATIO = 0.9;

/**
 * Folders left alone: the lab's file contents (vm/fs/) are zstd-compressed when they are large,
 * and the guest reads the small ones later, one at a time: 3,000 siblings would add build time for
 * nothing a learner waits for before the prompt.
 */
const SKIPPED_DIRS = [join('vm', 'fs')];

const ENCODERS: Record<(typeof PRECOMPRESSED)[number]['encoding'], (data: Buffer) => Promise<Buffer>> = {
  br: (data) => brotli(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }),
  gzip: (data) => gzipAsync(data, { level: 9 }),
};

export interface PrecompressResult {
  /** Compressible files that have at least one sibling. */
  files: number;
  siblings: number;
  bytesBefore: number;
  /** The same files as a browser accepting brotli gets them. */
  bytesBrotli: number;
}

async function* walk(root: string, dir = root): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.includes(relative(root, path))) yield* walk(root, path);
    } else if (entry.isFile()) {
      yield path;
    }
  }
}

const statOrNull = (path: string): Promise<Stats | null> => stat(path).catch(() => null);

/**
 * Writes the siblings of every compressible file under root that shrinks enough. A sibling newer
 * than its file is kept as it is (the bundle reuses the site build's); one left from an earlier
 * build whose file is gone, changed or no longer worth it is removed, so the server never sends
 * stale bytes. Siblings are replaced, never written through: they may be hard links to another
 * folder's.
 */
export async function precompressFolder(root: string): Promise<PrecompressResult> {
  const result: PrecompressResult = { files: 0, siblings: 0, bytesBefore: 0, bytesBrotli: 0 };
  const files: string[] = [];
  for await (const path of walk(root)) files.push(path);
  const present = new Set(files);
  const suffixes = PRECOMPRESSED.map((p) => p.suffix);

  const one = async (path: string): Promise<void> => {
    const suffix = suffixes.find((s) => path.endsWith(s));
    if (suffix) {
      if (!present.has(path.slice(0, -suffix.length))) await rm(path);
      return;
    }
    if (!COMPRESSIBLE.has(extname(path).toLowerCase())) return;
    const info = await stat(path);
    let data: Buffer | undefined;
    let kept = 0;
    let brotliBytes = info.size;
    for (const { encoding, suffix: s } of PRECOMPRESSED) {
      const sibling = path + s;
      const existing = await statOrNull(sibling);
      let size: number | null = null;
      if (existing && existing.mtimeMs >= info.mtimeMs && existing.size <= info.size * MAX_RATIO) {
        size = existing.size;
      } else {
        if (existing) await rm(sibling);
        if (info.size >= MIN_BYTES) {
          data ??= await readFile(path);
          const packed = await ENCODERS[encoding](data);
          if (packed.length <= info.size * MAX_RATIO) {
            await writeFile(sibling, packed);
            size = packed.length;
          }
        }
      }
      if (size === null) continue;
      kept++;
      if (encoding === 'br') brotliBytes = size;
    }
    if (!kept) return;
    result.files++;
    result.siblings += kept;
    result.bytesBefore += info.size;
    result.bytesBrotli += brotliBytes;
  };

  // Two at a time: zlib compresses on libuv's threads, and the build machines have two cores.
  const queue = [...files];
  const lane = async () => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) await one(path);
  };
  await Promise.all([lane(), lane()]);
  return result;
}
