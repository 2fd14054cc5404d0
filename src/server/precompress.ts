// Brotli siblings (<file>.br) for the exported site's compressible files, written once at build
// time so the server (static-files.ts) sends them to every browser that accepts br without
// compressing per request. In a workshop 30 learners load the same page at once: v86's 2.1 MB
// wasm goes out as ~0.3 MB, the site's scripts and the lab's file index at a fifth of their size.
import { brotliCompress, constants } from 'node:zlib';
import { promisify } from 'node:util';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';

const brotli = promisify(brotliCompress);

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

export interface PrecompressResult {
  files: number;
  bytesBefore: number;
  bytesAfter: number;
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

/**
 * Writes <file>.br beside every compressible file under root that shrinks enough, and removes a
 * sibling left from an earlier build whose file is gone or no longer worth it, so the server
 * never sends stale bytes.
 */
export async function precompressFolder(root: string): Promise<PrecompressResult> {
  const result: PrecompressResult = { files: 0, bytesBefore: 0, bytesAfter: 0 };
  const files: string[] = [];
  for await (const path of walk(root)) files.push(path);
  const present = new Set(files);
  const one = async (path: string): Promise<void> => {
    if (path.endsWith('.br')) {
      if (!present.has(path.slice(0, -3))) await rm(path);
      return;
    }
    if (!COMPRESSIBLE.has(extname(path).toLowerCase())) return;
    const sibling = `${path}.br`;
    const size = (await stat(path)).size;
    const data = size >= MIN_BYTES ? await readFile(path) : null;
    const packed = data
      ? await brotli(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: size } })
      : null;
    if (!packed || packed.length > size * MAX_RATIO) {
      if (present.has(sibling)) await rm(sibling);
      return;
    }
    await writeFile(sibling, packed);
    result.files += 1;
    result.bytesBefore += size;
    result.bytesAfter += packed.length;
  };
  // Two at a time: zlib compresses on libuv's threads, and the build machines have two cores.
  const queue = [...files];
  const lane = async () => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) await one(path);
  };
  await Promise.all([lane(), lane()]);
  return result;
}
