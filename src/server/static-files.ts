// Serves a folder over HTTP: the exported site and the lab image, to one browser or a room of 40.
// Files are streamed from an open descriptor (never read whole), Range requests answer v86's lazy
// reads, precompressed .br/.gz siblings are served when the client accepts them, and validators
// (ETag, Last-Modified) let browsers revalidate with cheap 304s. A client that vanishes
// mid-download ends its stream and frees its descriptor; the server keeps serving the others.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { pipeline } from 'node:stream';
import { extname, join, resolve, sep } from 'node:path';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.zst': 'application/zstd',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.bin': 'application/octet-stream',
  '.img': 'application/octet-stream',
};

/** Precompressed siblings, in the order the server prefers them. */
export const PRECOMPRESSED = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/**
 * How long browsers may keep a file without asking again. Only files whose names carry their
 * content's hash are immutable; everything else (HTML, manifests, the service worker, files named
 * the same across builds) is revalidated on every use, so a new build is never mixed with an old one.
 */
export function cacheControlFor(urlPath: string): string {
  if (urlPath.startsWith('/_next/static/') || urlPath.startsWith('/vm/fs/')) return IMMUTABLE;
  // Lab image files renamed to carry a content hash (e.g. state.<sha256 prefix>.bin.zst).
  if (urlPath.startsWith('/vm/') && /(^|[./-])[0-9a-f]{16,64}([./-]|$)/.test(urlPath.slice(urlPath.lastIndexOf('/') + 1))) return IMMUTABLE;
  return REVALIDATE;
}

export interface StaticFilesOptions {
  /** The folder to serve. */
  root: string;
  /** A page for unknown paths (relative to root); sent with status 404 when it exists. */
  notFoundPage?: string;
  /** Told about failures worth a trainer's attention (not about clients that leave early). */
  log?: (line: string) => void;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** A byte range, both ends included. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Reads a Range header for a file of `size` bytes. Returns null when the header is to be ignored
 * (another unit, or several ranges: the whole file is sent, as RFC 9110 allows), 'unsatisfiable'
 * for a malformed or out-of-file byte range (answered 416), else the one range.
 */
export function parseRange(header: string, size: number): ByteRange | null | 'unsatisfiable' {
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return null;
  const specs = match[1].split(',').map((s) => s.trim()).filter(Boolean);
  if (specs.length === 0) return 'unsatisfiable';
  if (specs.length > 1) return null;
  const spec = /^(\d*)-(\d*)$/.exec(specs[0]);
  if (!spec || (spec[1] === '' && spec[2] === '')) return 'unsatisfiable';
  if (spec[1] === '') {
    // A suffix: the last N bytes.
    const length = Number(spec[2]);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(spec[1]);
  const end = spec[2] === '' ? size - 1 : Math.min(Number(spec[2]), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/** Whether Accept-Encoding allows an encoding (q=0 refuses it; `*` stands for any not named). */
export function acceptsEncoding(header: string | undefined, encoding: string): boolean {
  if (!header) return false;
  let wildcard: number | undefined;
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (name === encoding) return q > 0;
    if (name === '*') wildcard = q;
  }
  return wildcard !== undefined && wildcard > 0;
}

function etagOf(info: Stats, variant = ''): string {
  return `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}${variant ? `-${variant}` : ''}"`;
}

/** If-None-Match (weak comparison, as RFC 9110 asks for it) or, without it, If-Modified-Since. */
function notModified(req: IncomingMessage, etag: string, mtime: Date): boolean {
  const noneMatch = req.headers['if-none-match'];
  if (noneMatch !== undefined) {
    const tags = noneMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
    return tags.includes('*') || tags.includes(etag);
  }
  const since = req.headers['if-modified-since'];
  if (since === undefined) return false;
  const sinceMs = Date.parse(since);
  // HTTP dates have whole seconds.
  return !Number.isNaN(sinceMs) && Math.floor(mtime.getTime() / 1000) * 1000 <= sinceMs;
}

/** If-Range: the range applies only while the client's validator still matches (a strong ETag or the date). */
function rangeStillValid(req: IncomingMessage, etag: string, mtime: Date): boolean {
  const ifRange = req.headers['if-range'];
  if (typeof ifRange !== 'string') return true;
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) return ifRange === etag;
  const date = Date.parse(ifRange);
  return !Number.isNaN(date) && Math.floor(mtime.getTime() / 1000) * 1000 === date;
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

async function fileOrNull(path: string): Promise<Stats | null> {
  const info = await statOrNull(path);
  return info?.isFile() ? info : null;
}

type Resolution =
  | { kind: 'file'; path: string }
  | { kind: 'redirect'; location: string }
  | { kind: 'missing' }
  | { kind: 'refused'; status: 400 | 403 };

/** Maps a URL path onto a file under root, refusing anything that would leave it. */
export async function resolveRequestPath(root: string, rawPath: string): Promise<Resolution> {
  let urlPath: string;
  try {
    urlPath = decodeURIComponent(rawPath);
  } catch {
    return { kind: 'refused', status: 400 };
  }
  // A NUL byte or a backslash never names a file of the site; on Windows a backslash is a separator.
  if (urlPath.includes('\0') || urlPath.includes('\\')) return { kind: 'refused', status: 400 };
  if (urlPath.split('/').some((segment) => segment === '..')) return { kind: 'refused', status: 403 };
  let file = resolve(join(root, urlPath));
  if (file !== root && !file.startsWith(root + sep)) return { kind: 'refused', status: 403 };
  const info = await statOrNull(file);
  if (info?.isDirectory()) {
    if (!urlPath.endsWith('/')) return { kind: 'redirect', location: `${rawPath}/` };
    file = join(file, 'index.html');
    return (await fileOrNull(file)) ? { kind: 'file', path: file } : { kind: 'missing' };
  }
  if (info?.isFile()) return { kind: 'file', path: file };
  // Exported pages without a trailing slash (`/404` → 404.html).
  if (!urlPath.endsWith('/') && (await fileOrNull(`${file}.html`))) return { kind: 'file', path: `${file}.html` };
  return { kind: 'missing' };
}

/** Streams [start, end] of an open file into the response; the descriptor is closed however it ends. */
function streamFile(handle: FileHandle, res: ServerResponse, range: ByteRange | null, onError: (e: Error) => void): void {
  const stream = handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  // pipeline destroys the file stream (closing the descriptor) when the client goes away.
  pipeline(stream, res, (error) => {
    if (error && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') onError(error);
  });
}

export function createStaticFiles(options: StaticFilesOptions): RequestHandler {
  const root = resolve(options.root);
  const log = options.log ?? (() => {});

  const sendNotFound = async (req: IncomingMessage, res: ServerResponse, urlPath: string) => {
    const page = options.notFoundPage ? join(root, options.notFoundPage) : null;
    // The lab's files are fetched by code, which wants a short answer rather than a page.
    if (page && req.method === 'GET' && !urlPath.startsWith('/vm/')) {
      const handle = await open(page, 'r').catch(() => null);
      if (handle) {
        const info = await handle.stat();
        res.writeHead(404, { 'content-type': CONTENT_TYPES['.html'], 'content-length': info.size, 'cache-control': REVALIDATE });
        streamFile(handle, res, null, (e) => log(`404 page: ${e.message}`));
        return;
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': REVALIDATE });
    res.end(req.method === 'HEAD' ? undefined : `Not found: ${urlPath}\n`);
  };

  return async (req, res) => {
    let handle: FileHandle | null = null;
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${req.method} is not supported here: this server only serves files (GET, HEAD).\n`);
        return;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const target = await resolveRequestPath(root, url.pathname);
      if (target.kind === 'refused') {
        res.writeHead(target.status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(target.status === 403 ? 'Forbidden: that path leaves the served folder.\n' : 'Bad request: the path is not a valid file name.\n');
        return;
      }
      if (target.kind === 'redirect') {
        res.writeHead(308, { location: target.location + url.search });
        res.end();
        return;
      }
      if (target.kind === 'missing') {
        await sendNotFound(req, res, url.pathname);
        return;
      }

      const rangeHeader = req.headers.range;
      const siblings = await Promise.all(PRECOMPRESSED.map(async (p) => ({ ...p, info: await fileOrNull(target.path + p.suffix) })));
      const hasSiblings = siblings.some((s) => s.info);
      // A range addresses the identity bytes, so ranged requests never get an encoded sibling.
      const chosen = rangeHeader === undefined ? siblings.find((s) => s.info && acceptsEncoding(req.headers['accept-encoding'], s.encoding)) : undefined;

      handle = await open(chosen ? target.path + chosen.suffix : target.path, 'r');
      const info = await handle.stat();
      const etag = etagOf(info, chosen?.encoding);
      const headers: Record<string, string | number> = {
        'content-type': CONTENT_TYPES[extname(target.path).toLowerCase()] ?? 'application/octet-stream',
        'cache-control': cacheControlFor(url.pathname),
        'last-modified': info.mtime.toUTCString(),
        etag,
        'accept-ranges': 'bytes',
        'x-content-type-options': 'nosniff',
      };
      if (hasSiblings) headers.vary = 'Accept-Encoding';
      if (chosen) headers['content-encoding'] = chosen.encoding;

      if (notModified(req, etag, info.mtime)) {
        // A 304 carries the validators and caching headers only (RFC 9110, 15.4.5).
        const kept = ['cache-control', 'last-modified', 'etag', 'vary'].filter((name) => name in headers);
        res.writeHead(304, Object.fromEntries(kept.map((name) => [name, headers[name]])));
        res.end();
        return;
      }

      let range: ByteRange | null = null;
      if (rangeHeader !== undefined && rangeStillValid(req, etag, info.mtime)) {
        const parsed = parseRange(rangeHeader, info.size);
        if (parsed === 'unsatisfiable') {
          res.writeHead(416, { 'content-range': `bytes */${info.size}`, 'content-type': 'text/plain; charset=utf-8', 'cache-control': REVALIDATE });
          res.end(`Range not satisfiable: "${rangeHeader}" for a file of ${info.size} bytes.\n`);
          return;
        }
        range = parsed;
      }
      if (range) {
        headers['content-range'] = `bytes ${range.start}-${range.end}/${info.size}`;
        headers['content-length'] = range.end - range.start + 1;
      } else {
        headers['content-length'] = info.size;
      }
      res.writeHead(range ? 206 : 200, headers);
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const streaming = handle;
      handle = null; // the stream owns it now
      streamFile(streaming, res, range, (e) => log(`reading ${target.path}: ${e.message}`));
    } catch (e) {
      log(`${req.method} ${req.url}: ${(e as Error).message}`);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`The server could not read this file: ${(e as Error).message}\n`);
      } else {
        res.destroy();
      }
    } finally {
      await handle?.close().catch(() => {});
    }
  };
}
