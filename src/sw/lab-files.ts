// The lab image's files as the offline machinery sees them: their content-hashed names (given at
// export time by scripts/build-sw.ts), the one cache they live in, and the full list of what a
// download must fetch. Shared by the build script (Node), the service worker and the page.
import type { Manifest } from '../vm/manifest.ts';

/** Where the service worker and the page's download keep the lab image: one cache for both. */
export const LAB_CACHE = 'runtime-lab-image';

/** The folder the site serves the lab image from (src/lab/lab-client.ts's VM_BASE). */
export const LAB_PATH = '/vm/';

/**
 * Sent with the page's download requests: the service worker lets them through to the network,
 * because the page writes them into the cache itself (with progress) and one copy is enough.
 */
export const DOWNLOAD_HEADER = 'x-runtime-lab-download';

/** Characters of the sha256 a content-hashed name carries: 64 bits, plenty for a handful of files. */
const HASH_CHARS = 16;

/**
 * `state.bin.zst` with sha256 `ab12...` becomes `state.ab12....bin.zst`: the hash goes after the stem
 * so the extensions (and the content type a server derives from them) stay as they were.
 */
export function contentHashedName(name: string, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`${name}: "${sha256}" is not a sha256 in hex, so the file cannot be given a content-hashed name.`);
  if (isContentHashedName(name, sha256)) return name;
  const slash = name.lastIndexOf('/');
  const dir = name.slice(0, slash + 1);
  const base = name.slice(slash + 1);
  const dot = base.indexOf('.');
  const stem = dot < 0 ? base : base.slice(0, dot);
  const extensions = dot < 0 ? '' : base.slice(dot);
  return `${dir}${stem}.${sha256.slice(0, HASH_CHARS)}${extensions}`;
}

/** True when the name already carries this sha256 (a second export run leaves it as it is). */
export function isContentHashedName(name: string, sha256: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return base.split('.').slice(1).includes(sha256.slice(0, HASH_CHARS));
}

/**
 * Paths under /vm/ whose content never changes under the same name: the 9p files (named by their
 * sha256) and the files the export renamed to carry theirs. Everything else there (manifest.json)
 * must be revalidated. The static server keys its caching headers on the same rule.
 */
export function isImmutableLabPath(pathname: string): boolean {
  if (!pathname.startsWith(LAB_PATH)) return false;
  const rest = pathname.slice(LAB_PATH.length);
  if (/^fs\/[0-9a-f]{64}(\.zst)?$/.test(rest)) return true;
  return /^[^/]+$/.test(rest) && rest.split('.').slice(1).some((part) => new RegExp(`^[0-9a-f]{${HASH_CHARS}}$`).test(part));
}

/** One node of v86's fs.json tree: [name, size, mtime, mode, uid, gid, target]. */
type FsNode = [string, number, number, number, number, number, (FsNode[] | string)?];

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

/** The stored names (`<sha256>` or `<sha256>.zst`) of every regular file in an fs.json tree, once each. */
export function storedFsFiles(fsJson: { fsroot: FsNode[] }): string[] {
  if (!Array.isArray(fsJson?.fsroot)) throw new Error('The lab\'s fs.json has no "fsroot" list: it is not a v86 file-system index.');
  const names = new Set<string>();
  const walk = (nodes: FsNode[]) => {
    for (const node of nodes) {
      const target = node[6];
      if (Array.isArray(target)) walk(target);
      else if ((node[3] & S_IFMT) === S_IFREG && typeof target === 'string') names.add(target);
    }
  };
  walk(fsJson.fsroot);
  return [...names];
}

export interface LabFile {
  /** Relative to /vm/. */
  path: string;
  /** Bytes as served, when known (the 9p files' stored sizes are only known as a total). */
  size?: number;
}

/** Everything the lab can ever read: the manifest's files, then every 9p file fs.json names. */
export function allLabFiles(manifest: Manifest, fsJson: { fsroot: FsNode[] }): LabFile[] {
  const listed = Object.values(manifest.files).map((f) => ({ path: f.name, size: f.size }));
  const fsDir = manifest.fsDir.endsWith('/') ? manifest.fsDir : `${manifest.fsDir}/`;
  return [...listed, ...storedFsFiles(fsJson).map((name) => ({ path: `${fsDir}${name}` }))];
}

/** Bytes the whole image takes as served: the listed files plus the 9p store. */
export function labImageBytes(manifest: Manifest): number {
  return Object.values(manifest.files).reduce((n, f) => n + f.size, 0) + manifest.fs.storedBytes;
}

/** "230 MB", "4.2 MB": sizes as a learner reads them (decimal megabytes, as the home page counts). */
export function megabytes(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb >= 100 ? Math.round(mb) : mb.toFixed(1)} MB`;
}
