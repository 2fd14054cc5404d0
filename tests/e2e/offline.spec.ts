// Offline after the first visit: the service worker precaches the site, "Download the lab" fetches
// the whole image into its cache, and with the network gone (Playwright's offline mode, and the
// server itself stopped) a reload still opens the lesson, starts the lab and passes a check.
// The test serves the site from a server of its own, so stopping it touches no other test.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { translator } from '../../src/i18n/messages.ts';
import { labImageBytes, megabytes } from '../../src/sw/lab-files.ts';
import type { Manifest } from '../../src/vm/manifest.ts';

const REPO = resolve(import.meta.dirname, '../..');
const OUT = join(REPO, 'out');
const LESSON = '/en/lessons/meet-the-lab/';
const t = translator('en');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Site {
  origin: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** The site's own static server (the one `npm start` runs) over a folder, on a port of its own. */
async function serve(dir: string): Promise<Site> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(REPO, 'scripts/serve.mjs'), '--host', '127.0.0.1', '--port', String(port), '--dir', dir], { stdio: 'ignore' });
  const origin = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The static server for ${dir} exited with status ${child.exitCode}.`);
    if (await fetch(`${origin}/`).then((r) => r.ok, () => false)) break;
    if (Date.now() > until) throw new Error(`The static server for ${dir} did not answer on ${origin} within 30 s.`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    origin,
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGTERM');
      }),
  };
}

const terminalText = (page: Page) => page.evaluate(() => (globalThis as unknown as { __runtimeLab?: { terminalText(): string } }).__runtimeLab?.terminalText() ?? '');

async function waitForController(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 120_000 });
}

function watch(page: Page) {
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && console.log(`[console] ${m.text()}`));
  page.on('requestfailed', (r) => console.log(`[request failed] ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => r.status() >= 400 && console.log(`[HTTP ${r.status()}] ${r.url()}`));
}

test.describe('offline use', () => {
  test.describe.configure({ mode: 'serial' });

  test('download the lab, lose the network, reload: the lesson and the lab start and a check passes', async ({ browser }) => {
    test.setTimeout(15 * 60_000);
    const manifest = JSON.parse(readFileSync(join(OUT, 'vm/manifest.json'), 'utf8')) as Manifest;
    const imageBytes = labImageBytes(manifest);
    const site = await serve(OUT);
    let context: BrowserContext | undefined;
    try {
      context = await browser.newContext({ baseURL: site.origin, locale: 'en-GB', serviceWorkers: 'allow' });
      const page = await context.newPage();
      watch(page);
      await page.goto(LESSON);
      await waitForController(page);

      const status = page.getByTestId('offline-status');
      await expect(status).toHaveText(t('offline.title'));
      await status.click();
      const download = page.getByTestId('offline-download');
      await expect(download).toHaveText(t('offline.download'));
      await expect(download).toBeEnabled({ timeout: 60_000 });
      const started = Date.now();
      await download.click();
      await expect(page.getByTestId('offline-progress')).toBeVisible();
      const done = page.getByTestId('offline-downloaded');
      await expect(done).toHaveText(t('offline.downloaded', { size: megabytes(imageBytes) }), { timeout: 10 * 60_000 });
      console.log(`lab downloaded for offline use: ${megabytes(imageBytes)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      await expect(status).toHaveText(new RegExp(`^${escape(t('offline.available', { size: '' }))}\\d+(\\.\\d)? MB$`));
      await expect(status).toHaveAttribute('data-available', 'yes');

      // Every file the manifest names is in the cache the service worker answers from.
      const cachedState = await page.evaluate(async (name) => Boolean(await (await caches.open('runtime-lab-image')).match(`/vm/${name}`)), manifest.files.state.name);
      expect(cachedState, 'the saved machine is cached').toBe(true);

      // No network at all: the browser is offline, and the server is gone.
      await context.setOffline(true);
      await site.stop();
      await page.reload();
      await expect(page.getByRole('heading', { level: 1, name: 'Meet the lab' })).toBeVisible();
      await expect(page.getByTestId('lab-status')).toHaveText(new RegExp(escape(t('status.ready'))), { timeout: 5 * 60_000 });
      await expect.poll(() => terminalText(page), { timeout: 4 * 60_000, message: 'a root prompt in the terminal' }).toMatch(/root@[^\n]*# ?$|# $/m);

      const step = page.locator('[data-step="pid1"]');
      await step.getByRole('button', { name: new RegExp(`^${escape(t('code.runLabel', { command: 'ps' }))}`) }).click();
      await expect.poll(() => terminalText(page), { timeout: 120_000 }).toMatch(/^\s*1 systemd /m);
      await expect(step).toHaveAttribute('data-status', 'passed', { timeout: 180_000 });

      // v86 may read a file in ranges: the worker answers them from the cached whole file.
      const ranged = await page.evaluate(async ({ name, size }) => {
        const whole = new Uint8Array(await (await fetch(`/vm/${name}`)).arrayBuffer());
        const res = await fetch(`/vm/${name}`, { headers: { Range: 'bytes=100-199' } });
        const part = new Uint8Array(await res.arrayBuffer());
        return { status: res.status, contentRange: res.headers.get('content-range'), same: part.length === 100 && part.every((b, i) => b === whole[100 + i]), wholeLength: whole.length, size };
      }, { name: manifest.files.wasm.name, size: manifest.files.wasm.size });
      expect(ranged).toEqual({ status: 206, contentRange: `bytes 100-199/${manifest.files.wasm.size}`, same: true, wholeLength: manifest.files.wasm.size, size: manifest.files.wasm.size });
    } finally {
      await context?.close();
      await site.stop();
    }
  });
});
