// The learner's figures, measured where learners are: Debian's Chromium driving the exported site
// (out/) served on loopback, through the real page and its worker. One fresh browser profile per
// JIT variant (?lab-jit=...), so each first visit fetches everything. A profile on disk, as a
// learner's is: an incognito context keeps its caches and its private file system in memory,
// which reads them at other speeds. Prints one JSON line.
//   npx tsx bench/browser.ts [variant ...]     variants: off, lab, v86, <pages>,<blocks>
import { chromium, type LaunchOptions, type Page } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
// BENCH_OUT serves another export (an A/B of two builds in one sitting).
const OUT = process.env.BENCH_OUT ?? join(REPO, 'out');
const LESSON = '/en/lessons/meet-the-lab/';
const BUSYBOX = 'docker.io/library/busybox:latest';
type Figures = Record<string, number>;

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

/**
 * Resident memory of the largest Chromium renderer process (the page and its lab worker live
 * there). The benchmark's browser is the only Chromium it expects on the machine.
 */
function rendererRssBytes(): number {
  let max = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      max = Math.max(max, kb * 1024);
    } catch {
      /* gone */
    }
  }
  return max;
}

const labApi = (page: Page) => ({
  text: () => page.evaluate(() => (globalThis as unknown as { __runtimeLab?: { terminalText(): string } }).__runtimeLab?.terminalText() ?? ''),
  promptAt: () => page.evaluate(() => (globalThis as unknown as { __runtimeLab?: { promptAtMs(): number | null } }).__runtimeLab?.promptAtMs() ?? null),
});

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let seq = 0;
/**
 * Types a command into the learner's console and returns the time until its end marker shows
 * (the command's own output, then an echo the shell runs after it, as a learner sees it end).
 */
async function typed(page: Page, command: string, { timeoutMs = 300_000, paste = false } = {}): Promise<number> {
  const mark = `END-${++seq}-$?`;
  const lab = labApi(page);
  await page.locator('.lab-terminal').click();
  const t0 = Date.now();
  const line = `${command}; echo ${mark.replace('$?', '"$?"')}`;
  // Set-up lines are pasted, as a learner would (typing 200 characters at full speed once lost one).
  if (paste) await page.keyboard.insertText(line);
  else await page.keyboard.type(line, { delay: 0 });
  await page.keyboard.press('Enter');
  const re = new RegExp(`^END-${seq}-(\\d+)\\s*$`, 'm');
  const code = await waitFor(`"${command}" to end`, async () => re.exec(await lab.text())?.[1], timeoutMs).catch(async (e: Error) => {
    throw new Error(`${e.message}; the console ended with:\n${(await lab.text()).slice(-1200)}`);
  });
  const ms = Date.now() - t0;
  if (code !== '0') throw new Error(`"${command}" exited ${code} in the page; the console ended with:\n${(await lab.text()).slice(-1200)}`);
  return ms;
}

async function waitPrompt(page: Page): Promise<number> {
  const lab = labApi(page);
  await waitFor('the lab to be ready', async () => /Ready/.test((await page.getByTestId('lab-status').textContent()) ?? ''), 300_000);
  await waitFor('a root prompt', async () => /# ?$/m.test(await lab.text()), 300_000);
  return (await lab.promptAt()) ?? NaN;
}

async function variant(launch: LaunchOptions, base: string, jit: string, resets: number): Promise<Figures & { errors?: string[] }> {
  const profile = mkdtempSync(join(tmpdir(), 'runtime-lab-bench-'));
  const context = await chromium.launchPersistentContext(profile, { ...launch, viewport: { width: 1400, height: 900 } });
  try {
    return await measureVariant(context, base, jit, resets);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function measureVariant(context: Awaited<ReturnType<typeof chromium.launchPersistentContext>>, base: string, jit: string, resets: number): Promise<Figures & { errors?: string[] }> {
  const page = context.pages()[0] ?? (await context.newPage());
  const r: Figures & { errors?: string[] } = {};
  // One failed measurement is reported and the others still run.
  const measure = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      (r.errors ??= []).push(`${what}: ${(e as Error).message}`);
    }
  };
  let bytes = 0;
  let prompted = false;
  page.on('requestfinished', async (req) => {
    const size = (await req.sizes().catch(() => null))?.responseBodySize ?? 0;
    if (!prompted) bytes += size;
  });
  const url = `${base}${LESSON}?lab-jit=${encodeURIComponent(jit)}`;
  await page.goto(url);
  r.navigationToPromptMs = await waitPrompt(page);
  prompted = true;
  r.bytesBeforePrompt = bytes;
  r.rendererRssAfterRestoreBytes = rendererRssBytes();
  await measure('ctr run', async () => {
    r.ctrRunFirstMs = await typed(page, `ctr run --rm ${BUSYBOX} b1 echo hi`);
    r.ctrRunSecondMs = await typed(page, `ctr run --rm ${BUSYBOX} b2 echo hi`);
    r.ctrRunThirdMs = await typed(page, `ctr run --rm ${BUSYBOX} b3 echo hi`);
  });
  await measure('crictl pods', async () => {
    r.crictlPodsMs = await typed(page, 'crictl pods >/dev/null');
  });
  // BENCH_QUICK=1: first visit and ctr runs only (for comparing many JIT settings).
  if (process.env.BENCH_QUICK) return r;
  // The pod walkthrough after a fresh restore: runp + create + start.
  await measure('crictl runp/create/start', async () => {
    await resetLab(page);
    await typed(page, `printf '%s' '{"metadata":{"name":"bench","namespace":"default","uid":"bench-uid"},"linux":{}}' > /tmp/pod.json && printf '%s' '{"metadata":{"name":"box"},"image":{"image":"${BUSYBOX}"},"command":["sleep","600"],"linux":{}}' > /tmp/ctr.json`, { paste: true });
    r.crictlRunpCreateStartMs = await typed(page, 'P=$(crictl runp /tmp/pod.json) && C=$(crictl create $P /tmp/ctr.json /tmp/pod.json) && crictl start $C >/dev/null');
  });
  // runc on a prepared bundle, after a fresh restore.
  await measure('runc run', async () => {
    await resetLab(page);
    await typed(page, `rm -rf /tmp/b && mkdir -p /tmp/b/rootfs /mnt/bb && ctr images mount ${BUSYBOX} /mnt/bb >/dev/null && cp -a /mnt/bb/. /tmp/b/rootfs/ && ctr images unmount /mnt/bb >/dev/null && cd /tmp/b && runc spec && jq '.process.terminal=false | .process.args=["echo","hi"]' config.json > c && mv c config.json && cd`, { paste: true });
    r.runcRunFirstMs = await typed(page, 'runc run --bundle /tmp/b r1 >/dev/null');
    r.runcRunSecondMs = await typed(page, 'runc run --bundle /tmp/b r2 >/dev/null');
  });
  // Memory over resets: it must not grow reset over reset.
  await measure('resets', async () => {
    const t0 = Date.now();
    await resetLab(page);
    r.resetToReadyMs = Date.now() - t0;
    for (let i = 1; i <= resets; i++) {
      if (i > 1) await resetLab(page);
      await page.waitForTimeout(1000);
      r[`rendererRssAfterReset${i}Bytes`] = rendererRssBytes();
    }
    r.rendererRssAfterResetsBytes = r[`rendererRssAfterReset${resets}Bytes`];
    r.resets = resets;
  });
  // A warm browser cache: reload and wait for the prompt again. The first reload is the first visit
  // the service worker controls (it caches the lab's files as they pass); a later visit reads them
  // from that cache.
  await measure('reload', async () => {
    await page.reload();
    r.navigationToPromptWarmMs = await waitPrompt(page);
    await page.waitForTimeout(3000); // the cache writes its copies
    await page.reload();
    r.navigationToPromptCachedMs = await waitPrompt(page);
  });
  // A learner reads before typing: the first `ctr run` typed after a pause for reading, while the
  // page's warm-up (src/lab/warm-up.ts) had the time it is meant to have.
  await measure('after reading', async () => {
    await page.waitForTimeout(READING_MS);
    r.ctrRunFirstAfterReadingMs = await typed(page, `ctr run --rm ${BUSYBOX} b4 echo hi`);
  });
  return r;
}

/** How long the benchmark's learner reads before the first command: lesson 1's opening takes longer. */
const READING_MS = 15_000;

async function resetLab(page: Page): Promise<void> {
  const lab = labApi(page);
  const before = (await lab.text()).length;
  await page.getByRole('button', { name: 'Reset lab' }).click();
  await waitFor('the reset to start', async () => !/Ready/.test((await page.getByTestId('lab-status').textContent()) ?? '') || (await lab.text()).length < before, 30_000).catch(() => undefined);
  await waitPrompt(page);
}

/** The browser's version, as `chromium --version` prints it (a persistent context has no Browser object to ask). */
function chromiumVersion(executable: string): string {
  const r = spawnSync(executable, ['--version'], { encoding: 'utf8' });
  return /[\d.]+/.exec(r.stdout ?? '')?.[0] ?? 'unknown';
}

async function main(): Promise<void> {
  if (!existsSync(join(OUT, 'vm/manifest.json'))) {
    process.stderr.write('No exported site with the lab image in out/: run `npm run site:build` first.\n');
    process.exit(1);
  }
  const variants = process.argv.slice(2).length ? process.argv.slice(2) : ['off', 'lab'];
  const resets = Number(process.env.BENCH_RESETS ?? 5);
  const port = await freePort();
  const server = spawn(process.execPath, [join(REPO, 'scripts/serve.mjs'), '--host', '127.0.0.1', '--port', String(port), '--dir', OUT], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor('the site server', async () => (await fetch(base + '/').catch(() => null))?.ok, 20_000);
    const launch: LaunchOptions = {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      // BENCH_CHROMIUM_ARGS: extra switches for an investigation (e.g. --js-flags=--trace-gc).
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(process.env.BENCH_CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? [])],
    };
    const variantsOut: Record<string, Figures | { error: string }> = {};
    for (const v of variants) {
      process.stderr.write(`bench: Chromium, JIT ${v}\n`);
      variantsOut[v] = await variant(launch, base, v, resets).catch((e) => ({ error: String(e?.message ?? e) }));
    }
    process.stdout.write(JSON.stringify({ chromium: chromiumVersion(launch.executablePath!), variants: variantsOut }) + '\n');
  } finally {
    server.kill();
  }
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
