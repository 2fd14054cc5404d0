// The trainer's bundle, as a trainer uses it: `npm run bundle`'s archive unpacked into a fresh
// folder with no node_modules anywhere above it, `node serve.mjs` started there, and the site and a
// lesson's lab loaded from it in Chromium until the lab's prompt.
import { expect, test, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildBundle } from '../../scripts/bundle.ts';

test.describe.configure({ mode: 'serial' });

let work: string;
let unpacked: string;
let server: ChildProcess | undefined;
let serverOutput = '';
let baseUrl: string;

/** The lab files' names as the bundled manifest lists them (they may carry content hashes). */
function labFiles(): { wasm: string; state: string } {
  const { files } = JSON.parse(readFileSync(join(unpacked, 'site', 'vm', 'manifest.json'), 'utf8')) as { files: Record<string, { name: string }> };
  return { wasm: files.wasm.name, state: files.state.name };
}

const terminalText = (page: Page) => page.evaluate(() => (globalThis as unknown as { __runtimeLab?: { terminalText(): string } }).__runtimeLab?.terminalText() ?? '');

test.beforeAll(async () => {
  test.setTimeout(10 * 60_000);
  work = mkdtempSync(join(tmpdir(), 'bundle-e2e-'));
  const { archive } = await buildBundle({ siteDir: 'out', outDir: join(work, 'built'), log: (line) => console.log(line) });
  const fresh = join(work, 'fresh');
  mkdirSync(fresh);
  const tar = spawnSync('tar', ['-xzf', archive, '-C', fresh], { stdio: 'inherit' });
  expect(tar.status, 'tar -xzf of the bundle').toBe(0);
  const [top] = readdirSync(fresh);
  unpacked = join(fresh, top);
  // Nothing to resolve packages from: the bundle must carry all it needs.
  for (let dir = unpacked; dir !== dirname(dir); dir = dirname(dir)) expect(existsSync(join(dir, 'node_modules')), `${dir}/node_modules`).toBe(false);

  const env = { ...process.env };
  delete env.NODE_PATH;
  delete env.NODE_OPTIONS;
  server = spawn(process.execPath, ['serve.mjs', '--host', '127.0.0.1', '--port', '0'], { cwd: unpacked, env, stdio: ['ignore', 'pipe', 'pipe'] });
  baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve.mjs did not start within 30 s:\n${serverOutput}`)), 30_000);
    const onData = (chunk: Buffer) => {
      serverOutput += chunk.toString();
      const m = /Local:\s+(http:\/\/\S+?)\/?\s/.exec(serverOutput);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    server!.stdout!.on('data', onData);
    server!.stderr!.on('data', (c: Buffer) => (serverOutput += c.toString()));
    server!.once('exit', (code) => reject(new Error(`serve.mjs exited (${code}):\n${serverOutput}`)));
  });
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the archive holds serve.mjs, the site with the lab image, and the README', () => {
  for (const path of ['serve.mjs', 'README.txt', 'site/index.html', 'site/vm/manifest.json', `site/vm/${labFiles().wasm}.br`]) expect(existsSync(join(unpacked, path)), path).toBe(true);
  const script = readFileSync(join(unpacked, 'serve.mjs'), 'utf8');
  const imports = [...script.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm)].map((m) => m[1] ?? m[2]);
  expect(imports.length).toBeGreaterThan(0);
  expect(imports.filter((name) => !name.startsWith('node:'))).toEqual([]);
  expect(readFileSync(join(unpacked, 'README.txt'), 'utf8')).toContain('node serve.mjs');
  expect(serverOutput).toContain(`Runtime Lab ${JSON.parse(readFileSync('package.json', 'utf8')).version}`);
});

test('the home page picks a language and shows the lessons', async ({ page }) => {
  await page.goto(`${baseUrl}/`);
  await expect(page).toHaveURL(/\/(en|zh)\/$/);
  await expect(page.locator('a[href*="/lessons/meet-the-lab/"]').first()).toBeVisible();
});

test('a lesson starts its lab from the bundle: the prompt comes, the wasm arrives precompressed', async ({ page }) => {
  const encodings = new Map<string, string | undefined>();
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/vm/') && !path.startsWith('/vm/fs/')) encodings.set(path, r.headers()['content-encoding']);
  });
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  await page.goto(`${baseUrl}/en/lessons/meet-the-lab/`);
  await expect.poll(() => terminalText(page), { timeout: 4 * 60_000, message: 'a root prompt in the terminal' }).toMatch(/root@[^\n]*# ?$|# $/m);
  const { wasm, state } = labFiles();
  expect(encodings.get(`/vm/${wasm}`), `${wasm} sent as its .br sibling`).toBe('br');
  expect(encodings.has(`/vm/${state}`), `${state} fetched`).toBe(true);
  expect(encodings.get(`/vm/${state}`), 'the zstd state sent as it is').toBeUndefined();
});
