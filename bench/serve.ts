// `npm run bench:serve`: a room of learners opening a lesson at once, against the server in a
// child process on loopback. Prints the single-learner time, then the room's: total time, bytes,
// per-learner spread and the server's peak resident memory; fails if any file is late or corrupt.
//
// What a first visit downloads: the lesson page, the scripts and styles it names, the lab manifest
// and the files a restore loads (from the manifest), plus, by default, whatever else one real visit
// in Chromium fetched before the lab's prompt (the worker's chunks, the 9p files the guest reads
// lazily), recorded at the start of the run. Recording runs the lab once: hold a VM slot.
//   npm run bench:serve -- [--clients 40] [--lesson /en/lessons/meet-the-lab/] [--site out]
//                          [--bundle dist/runtime-lab-<version>] [--no-record] [--timeout 300]
import { chromium } from '@playwright/test';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { firstVisitFiles, megabytes, runLoad, startServerProcess, type LoadResult, type SiteFile } from '../src/server/load.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '40' },
    lesson: { type: 'string', default: '/en/lessons/meet-the-lab/' },
    site: { type: 'string' },
    bundle: { type: 'string' },
    'no-record': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '300' },
  },
});
const clients = Number(values.clients);
const timeoutMs = Number(values.timeout) * 1000;
const lesson = values.lesson!;
// --bundle serves an unpacked bundle with its own serve.mjs and precompressed siblings.
const bundleDir = values.bundle ? resolve(values.bundle) : undefined;
const siteDir = resolve(values.site ?? (bundleDir ? join(bundleDir, 'site') : 'out'));
const serverScript = bundleDir ? join(bundleDir, 'serve.mjs') : undefined;
if (bundleDir && !existsSync(serverScript!)) throw new Error(`${serverScript} does not exist: run npm run bundle first.`);

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** One real first visit in Chromium: every same-origin path it fetched before the prompt. */
async function recordVisit(baseUrl: string): Promise<string[]> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    // As a learner on a plain-HTTP LAN address: no service worker (they need localhost or HTTPS).
    const page = await browser.newPage({ serviceWorkers: 'block' });
    const paths = new Set<string>();
    page.on('response', (r) => {
      const url = new URL(r.url());
      if (url.origin === new URL(baseUrl).origin && r.request().method() === 'GET' && r.status() < 400) paths.add(url.pathname);
    });
    const started = performance.now();
    await page.goto(new URL(lesson, baseUrl).href);
    await page.waitForFunction(
      () => /# ?$/m.test((globalThis as unknown as { __runtimeLab?: { terminalText(): string } }).__runtimeLab?.terminalText() ?? ''),
      undefined,
      { timeout: 4 * 60_000, polling: 250 },
    );
    console.log(`recorded one visit in Chromium: prompt after ${((performance.now() - started) / 1000).toFixed(1)} s, ${paths.size} files fetched`);
    return [...paths];
  } finally {
    await browser.close();
  }
}

function report(label: string, r: LoadResult, peak: number, startRss: number) {
  const rate = r.bytesTransferred / 1e6 / (r.totalMs / 1000);
  console.log(
    `${label}: ${r.clients} learner(s) × ${r.files} files: ${(r.totalMs / 1000).toFixed(2)} s total, ${megabytes(r.bytesTransferred)} sent (${megabytes(r.bytesDecoded)} decoded), ${rate.toFixed(0)} MB/s; ` +
      `per learner min/median/max ${(r.clientMs.min / 1000).toFixed(2)}/${(r.clientMs.median / 1000).toFixed(2)}/${(r.clientMs.max / 1000).toFixed(2)} s; server RSS ${megabytes(startRss)} at start, ${megabytes(peak)} peak`,
  );
}

async function measure(files: SiteFile[], count: number): Promise<{ result: LoadResult; peak: number; startRss: number }> {
  // A fresh server per run, so each peak belongs to its run.
  const server = await startServerProcess(siteDir, { serverScript });
  try {
    const result = await runLoad({ baseUrl: server.baseUrl, files, clients: count, timeoutMs });
    return { result, peak: server.peakRss(), startRss: server.startRss };
  } finally {
    await server.stop();
  }
}

let extra: string[] = [];
if (!values['no-record']) {
  if (!existsSync(chromiumPath)) throw new Error(`No Chromium at ${chromiumPath} to record a visit with: set CHROMIUM_PATH, or pass --no-record to use the page and the manifest only.`);
  const server = await startServerProcess(siteDir, { serverScript });
  try {
    extra = await recordVisit(server.baseUrl);
  } finally {
    await server.stop();
  }
}
const files = await firstVisitFiles(siteDir, lesson, extra.filter((p) => !p.endsWith('/') || p === lesson));
const perVisit = files.reduce((n, f) => n + f.size, 0);
const lazy = files.filter((f) => f.urlPath.startsWith('/vm/fs/'));
console.log(
  `site ${siteDir}${serverScript ? ` served by ${serverScript}` : ' served by src/server/main.ts'}; first visit of ${lesson}: ${files.length} files, ${megabytes(perVisit)}` +
    ` (${lazy.length} lazily read 9p files, ${megabytes(lazy.reduce((n, f) => n + f.size, 0))}${values['no-record'] ? ', none: not recorded' : ''})`,
);

const single = await measure(files, 1);
report('single', single.result, single.peak, single.startRss);
const room = await measure(files, clients);
report('room', room.result, room.peak, room.startRss);
const ratio = room.result.totalMs / single.result.totalMs;
console.log(`room/single time: ${ratio.toFixed(1)}× for ${clients}× the bytes`);

const failures = [...single.result.failures, ...room.result.failures];
if (failures.length) {
  console.error(`${failures.length} download(s) failed:\n${failures.slice(0, 20).join('\n')}${failures.length > 20 ? '\n...' : ''}`);
  process.exit(1);
}
console.log(`all ${clients * files.length} downloads complete and matching their sha256`);
