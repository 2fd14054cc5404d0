// A room of learners opening the site at once, against the server in a child process: what each
// first visit downloads, fetched by N simulated browsers in parallel, every file checked against
// its sha256, and the server's resident memory sampled meanwhile. Used by `npm run bench:serve`
// (bench/serve.ts, 40 learners) and by load.test.ts (a reduced room, in CI).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { createBrotliDecompress, createGunzip } from 'node:zlib';
import type { Transform } from 'node:stream';

export interface SiteFile {
  /** The URL path a browser asks for. */
  urlPath: string;
  size: number;
  /** What the decoded body must hash to: the manifest's figure where it has one, else the file's. */
  sha256: string;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface ManifestFile {
  name: string;
  size: number;
  sha256: string;
}

/**
 * What a learner's first visit to a lesson downloads before the lab's prompt, read from the site:
 * the lesson's HTML, the scripts and stylesheets it names, the lab's manifest and the files a
 * restore loads (wasm, BIOSes, saved state; manifest.ts's `files`). The 9p files the guest reads
 * lazily after the restore are not known statically; `extraPaths` adds a recorded list of them.
 */
export async function firstVisitFiles(siteDir: string, lessonUrlPath: string, extraPaths: string[] = []): Promise<SiteFile[]> {
  const htmlFile = join(siteDir, lessonUrlPath, lessonUrlPath.endsWith('/') ? 'index.html' : '');
  if (!existsSync(htmlFile)) throw new Error(`No page at ${htmlFile}: build the site (npm run site:build) or name an existing lesson.`);
  const html = await readFile(htmlFile, 'utf8');
  const paths = new Set<string>([lessonUrlPath]);
  for (const m of html.matchAll(/<(?:script|link)\b[^>]*?\s(?:src|href)="(\/_next\/static\/[^"?#]+\.(?:js|css))"/g)) paths.add(m[1]);
  const manifestPath = join(siteDir, 'vm', 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`No lab image in ${join(siteDir, 'vm')}: build it (npm run lab:image) and the site.`);
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { files: Record<string, ManifestFile> };
  const expected = new Map<string, ManifestFile>();
  paths.add('/vm/manifest.json');
  for (const key of ['wasm', 'bios', 'vgaBios', 'state']) {
    const file = manifest.files[key];
    if (!file) throw new Error(`The lab manifest (${manifestPath}) lists no "${key}" file.`);
    paths.add(`/vm/${file.name}`);
    expected.set(`/vm/${file.name}`, file);
  }
  for (const p of extraPaths) paths.add(p);
  return Promise.all(
    [...paths].map(async (urlPath) => {
      // URLs percent-encode what file names hold as is (`/chunks/app/%5Blang%5D/` is `[lang]/`).
      const onDisk = join(siteDir, decodeURIComponent(urlPath), urlPath.endsWith('/') ? 'index.html' : '');
      const [info, sha256] = await Promise.all([stat(onDisk), sha256File(onDisk)]);
      const listed = expected.get(urlPath);
      if (listed && (listed.sha256 !== sha256 || listed.size !== info.size)) {
        throw new Error(`${onDisk} differs from the lab manifest (sha256 ${sha256}, manifest ${listed.sha256}): the site holds a broken copy of the image; rebuild it.`);
      }
      return { urlPath, size: info.size, sha256 };
    }),
  );
}

export interface LoadOptions {
  baseUrl: string;
  files: SiteFile[];
  clients: number;
  /** Parallel connections per learner (browsers open six per host). */
  connectionsPerClient?: number;
  /** What the simulated browsers accept; encoded bodies are decoded before hashing. */
  acceptEncoding?: string;
  /** The whole run's bound: what has not finished by then counts as failed. */
  timeoutMs: number;
}

export interface LoadResult {
  clients: number;
  files: number;
  totalMs: number;
  /** Bytes on the wire (encoded where the server sent an encoding). */
  bytesTransferred: number;
  /** Bytes after decoding: what the pages got. */
  bytesDecoded: number;
  clientMs: { min: number; median: number; max: number };
  /** Every file that did not arrive whole and correct, said as `client N: path: what`. */
  failures: string[];
}

interface FetchOutcome {
  wire: number;
  decoded: number;
}

function fetchAndVerify(agent: Agent, baseUrl: string, file: SiteFile, acceptEncoding: string, signal: AbortSignal): Promise<FetchOutcome> {
  return new Promise((resolve, reject) => {
    const url = new URL(file.urlPath, baseUrl);
    const req = request(url, { agent, signal, headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`HTTP ${res.statusCode}`));
        return;
      }
      const hash = createHash('sha256');
      let wire = 0;
      let decoded = 0;
      const encoding = res.headers['content-encoding'];
      let decoder: Transform | null = null;
      if (encoding === 'br') decoder = createBrotliDecompress();
      else if (encoding === 'gzip') decoder = createGunzip();
      else if (encoding) {
        res.resume();
        reject(new Error(`unexpected content-encoding ${encoding}`));
        return;
      }
      const sink = decoder ?? res;
      sink.on('data', (chunk: Buffer) => {
        decoded += chunk.length;
        hash.update(chunk);
      });
      res.on('data', (chunk: Buffer) => (wire += chunk.length));
      res.on('error', reject);
      decoder?.on('error', reject);
      if (decoder) res.pipe(decoder);
      sink.on('end', () => {
        const digest = hash.digest('hex');
        if (digest !== file.sha256) reject(new Error(`sha256 ${digest} after ${decoded} bytes, expected ${file.sha256} (${file.size} bytes)`));
        else resolve({ wire, decoded });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** One learner: the page first, then everything else over a browser's six connections. */
async function learner(index: number, options: LoadOptions, signal: AbortSignal) {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connectionsPerClient ?? 6 });
  const started = performance.now();
  const failures: string[] = [];
  let wire = 0;
  let decoded = 0;
  const fetchOne = async (file: SiteFile) => {
    try {
      const r = await fetchAndVerify(agent, options.baseUrl, file, options.acceptEncoding ?? 'gzip, deflate, br', signal);
      wire += r.wire;
      decoded += r.decoded;
    } catch (e) {
      failures.push(`client ${index}: ${file.urlPath}: ${signal.aborted ? `not finished within ${options.timeoutMs} ms` : (e as Error).message}`);
    }
  };
  const [page, ...rest] = options.files;
  await fetchOne(page);
  await Promise.all(rest.map(fetchOne));
  agent.destroy();
  return { ms: performance.now() - started, wire, decoded, failures };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const controller = new AbortController();
  // Every request of the run listens to this one signal.
  setMaxListeners(0, controller.signal);
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const started = performance.now();
  try {
    const results = await Promise.all(Array.from({ length: options.clients }, (_, i) => learner(i + 1, options, controller.signal)));
    const times = results.map((r) => r.ms).sort((a, b) => a - b);
    return {
      clients: options.clients,
      files: options.files.length,
      totalMs: performance.now() - started,
      bytesTransferred: results.reduce((n, r) => n + r.wire, 0),
      bytesDecoded: results.reduce((n, r) => n + r.decoded, 0),
      clientMs: { min: times[0], median: times[Math.floor(times.length / 2)], max: times[times.length - 1] },
      failures: results.flatMap((r) => r.failures),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Resident memory of a process, from /proc (Linux): now, and the kernel's own high-water mark. */
export function residentMemory(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kib('VmRSS'), peak: kib('VmHWM') };
  } catch {
    return null;
  }
}

export interface ServerProcess {
  baseUrl: string;
  pid: number;
  /** Memory at start, once listening. */
  startRss: number;
  /** The highest RSS sampled since start (and the kernel's high-water mark, which catches spikes between samples). */
  peakRss(): number;
  stop(): Promise<void>;
}

/**
 * Starts the server in a child process on a free loopback port: `serverScript` (a built serve.mjs)
 * when given, else src/server/main.ts through tsx. Needs Linux's /proc to sample memory.
 */
export async function startServerProcess(siteDir: string, { serverScript, sampleEveryMs = 25 }: { serverScript?: string; sampleEveryMs?: number } = {}): Promise<ServerProcess> {
  const entry = serverScript ? [serverScript] : ['--import', 'tsx', join(import.meta.dirname, 'main.ts')];
  const child: ChildProcess = spawn(process.execPath, [...entry, '--host', '127.0.0.1', '--port', '0', '--dir', siteDir, '--no-qr'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The server did not start within 30 s. Its output:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Local:\s+(http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The server exited (${code}) before listening. Its output:\n${output}`));
    });
  });
  const pid = child.pid!;
  const first = residentMemory(pid);
  if (!first) {
    child.kill();
    throw new Error('Cannot read the server\'s memory: the load run samples /proc/<pid>/status, which only Linux has.');
  }
  let peak = first.rss;
  const sampler = setInterval(() => {
    const m = residentMemory(pid);
    if (m) peak = Math.max(peak, m.rss, m.peak);
  }, sampleEveryMs);
  return {
    baseUrl,
    pid,
    startRss: first.rss,
    peakRss: () => {
      const m = residentMemory(pid);
      return m ? Math.max(peak, m.peak) : peak;
    },
    async stop() {
      clearInterval(sampler);
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
