// "Download the lab for offline use", in the page: every file of the lab image into the cache the
// service worker answers from (LAB_CACHE), with progress, resuming where an earlier try stopped.
import type { Manifest } from '../vm/manifest.ts';
import { DOWNLOAD_HEADER, LAB_CACHE, LAB_PATH, allLabFiles, labImageBytes, type LabFile } from './lab-files.ts';

export interface DownloadProgress {
  /** Bytes in the cache so far (already there, or fetched now). */
  done: number;
  /** Bytes of the whole image, from the manifest. */
  total: number;
  filesDone: number;
  files: number;
}

export type DownloadFailure =
  | { code: 'quota'; neededBytes: number; freeBytes: number }
  | { code: 'network'; file: string }
  | { code: 'http'; file: string; status: number }
  | { code: 'unsupported' }
  | { code: 'unexpected' };

/** A download that stopped; what was fetched before it stays in the cache. */
export class LabDownloadError extends Error {
  constructor(
    readonly failure: DownloadFailure,
    detail: string,
  ) {
    super(detail);
    this.name = 'LabDownloadError';
  }
}

/** What the download needs from the browser, so tests can give it a fake one. */
export interface DownloadEnv {
  fetch: typeof fetch;
  caches: Pick<CacheStorage, 'open'>;
  /** navigator.storage.estimate, when the browser has it. */
  estimate?: () => Promise<StorageEstimate>;
  /** The page's origin, e.g. http://127.0.0.1:3000 */
  origin: string;
}

export interface DownloadOptions {
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Files fetched at once: enough to keep a LAN busy, few enough for a laptop serving 40 learners. */
  concurrency?: number;
  /** Tries per file before the download stops (a Wi-Fi hiccup should not end it). */
  attempts?: number;
}

export interface DownloadResult {
  /** Bytes the cached image takes: the whole image, as the manifest counts it. */
  bytes: number;
  files: number;
}

const isQuotaError = (e: unknown) => e instanceof DOMException && (e.name === 'QuotaExceededError' || e.code === 22);

async function fetchJson<T>(env: DownloadEnv, url: string, file: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await env.fetch(url, { cache: 'no-cache', signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new LabDownloadError({ code: 'network', file }, `Could not fetch ${file}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new LabDownloadError({ code: 'http', file, status: res.status }, `Could not fetch ${file}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/**
 * Which of the image's files are in the cache now and, with countBytes, how many bytes they hold
 * (reading each cached 9p file's length: a download does it once, a status check need not).
 */
export async function cachedLabFiles(env: DownloadEnv, manifest: Manifest, fsJson: unknown, { countBytes = false } = {}): Promise<{ missing: LabFile[]; cachedBytes: number; files: LabFile[] }> {
  const files = allLabFiles(manifest, fsJson as Parameters<typeof allLabFiles>[1]);
  const cache = await env.caches.open(LAB_CACHE);
  const present = new Set((await cache.keys()).map((r) => r.url));
  const base = new URL(LAB_PATH, env.origin);
  const missing: LabFile[] = [];
  let cachedBytes = 0;
  for (const f of files) {
    const url = new URL(f.path, base).href;
    if (!present.has(url)) missing.push(f);
    else if (f.size !== undefined) cachedBytes += f.size;
    else if (countBytes) cachedBytes += Number((await cache.match(url))?.headers.get('content-length')) || 0;
  }
  return { missing, cachedBytes, files };
}

/** Reads the manifest and fs.json as the site serves them now (through the service worker). */
export async function readLabIndex(env: DownloadEnv, signal?: AbortSignal): Promise<{ manifest: Manifest; fsJson: unknown }> {
  const base = new URL(LAB_PATH, env.origin);
  const manifest = await fetchJson<Manifest>(env, new URL('manifest.json', base).href, 'manifest.json', signal);
  const fsJson = await fetchJson<unknown>(env, new URL(manifest.files.fsJson.name, base).href, manifest.files.fsJson.name, signal);
  return { manifest, fsJson };
}

/** Fetches every file of the lab image that is not cached yet into LAB_CACHE. */
export async function downloadLab(env: DownloadEnv, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const { onProgress, signal, concurrency = 6, attempts = 3 } = opts;
  const { manifest, fsJson } = await readLabIndex(env, signal);
  const total = labImageBytes(manifest);
  const { missing, cachedBytes, files } = await cachedLabFiles(env, manifest, fsJson, { countBytes: true });
  const progress: DownloadProgress = { done: Math.min(cachedBytes, total), total, filesDone: files.length - missing.length, files: files.length };
  onProgress?.({ ...progress });

  const estimate = await env.estimate?.().catch(() => undefined);
  const needed = total - progress.done;
  if (estimate?.quota !== undefined && estimate.usage !== undefined && estimate.quota - estimate.usage < needed) {
    const free = Math.max(0, estimate.quota - estimate.usage);
    throw new LabDownloadError({ code: 'quota', neededBytes: needed, freeBytes: free }, `The browser lets this site store ${free} more bytes; the lab needs ${needed}.`);
  }

  const cache = await env.caches.open(LAB_CACHE);
  const base = new URL(LAB_PATH, env.origin);
  const fetchInto = async (file: LabFile): Promise<void> => {
    const url = new URL(file.path, base).href;
    for (let attempt = 1; ; attempt++) {
      let counted = 0;
      try {
        const res = await env.fetch(url, { headers: { [DOWNLOAD_HEADER]: '1' }, signal });
        if (res.status !== 200 || !res.body) {
          throw new LabDownloadError({ code: 'http', file: file.path, status: res.status }, `Could not fetch ${file.path}: HTTP ${res.status}`);
        }
        // Counted as it streams into the cache: a 40 MB state is never held whole in the page.
        const body = res.body.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, out) {
              counted += chunk.byteLength;
              progress.done += chunk.byteLength;
              onProgress?.({ ...progress });
              out.enqueue(chunk);
            },
          }),
        );
        await cache.put(url, new Response(body, { status: 200, statusText: res.statusText, headers: res.headers }));
        progress.filesDone++;
        onProgress?.({ ...progress });
        return;
      } catch (e) {
        progress.done -= counted; // that try's bytes are not in the cache
        if (signal?.aborted) throw e;
        if (e instanceof LabDownloadError) throw e; // the server answered: trying again will not change it
        if (isQuotaError(e)) {
          const est = await env.estimate?.().catch(() => undefined);
          const free = est?.quota !== undefined && est.usage !== undefined ? Math.max(0, est.quota - est.usage) : 0;
          throw new LabDownloadError({ code: 'quota', neededBytes: total - progress.done, freeBytes: free }, `The browser refused to store ${file.path}: storage is full.`);
        }
        if (attempt >= attempts) {
          throw new LabDownloadError({ code: 'network', file: file.path }, `Could not fetch ${file.path} after ${attempts} tries: ${(e as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  };

  // The big files first, so the progress bar moves evenly and the state is there soonest.
  const queue = [...missing].sort((a, b) => (b.size ?? 0) - (a.size ?? 0));
  let failed: unknown;
  const worker = async () => {
    while (queue.length && failed === undefined) {
      const file = queue.shift()!;
      try {
        await fetchInto(file);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  if (failed !== undefined) throw failed;

  const after = await cachedLabFiles(env, manifest, fsJson);
  if (after.missing.length) {
    throw new LabDownloadError({ code: 'network', file: after.missing[0].path }, `${after.missing.length} file(s) are still missing from the cache after the download, e.g. ${after.missing[0].path}.`);
  }
  onProgress?.({ done: total, total, filesDone: files.length, files: files.length });
  return { bytes: total, files: files.length };
}
