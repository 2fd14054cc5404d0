// Browser tests against the exported site (out/), served on loopback by scripts/serve.mjs, with
// Debian's Chromium (Playwright's own browser downloads are not reachable here).
import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

if (!existsSync('out/index.html') || !existsSync('out/vm/manifest.json')) {
  throw new Error('No exported site with the lab image in out/. Run `npm run site:build` first (and `npm run lab:image` if public/vm/ is empty).');
}

const PORT = Number(process.env.E2E_PORT ?? 3100);

export default defineConfig({
  testDir: 'tests/e2e',
  // The emulated machine is slow, and there is one: tests run one at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 5 * 60_000,
  expect: { timeout: 60_000 },
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    headless: true,
    viewport: { width: 1400, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    command: `node scripts/serve.mjs --host 127.0.0.1 --port ${PORT} --dir out`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
