// Lesson 1 in a real browser against the real lab machine, once per language: prompt, Run, check,
// a failed check's sentence in the page's language, progress across a reload, and Reset. Then,
// once, the lab's limits (a 50 MB output, a machine that stops answering) and its errors.
import { expect, test, type Page } from '@playwright/test';
import { LOCALES, type Locale } from '../../src/i18n/locales.ts';
import { translator } from '../../src/i18n/messages.ts';
import { KEPT_STATE_FOLDER } from '../../src/lab/worker/kept-state.ts';

const PROMPT_TIMEOUT = 4 * 60_000;
const lessonPath = (locale: Locale) => `/${locale}/lessons/meet-the-lab/`;
const HEADING: Record<Locale, string> = { en: 'Meet the lab', zh: '认识实验环境' };
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const terminalText = (page: Page) => page.evaluate(() => (globalThis as unknown as { __runtimeLab?: { terminalText(): string } }).__runtimeLab?.terminalText() ?? '');

/** Waits for a shell prompt in the terminal and returns navigation-to-prompt in ms. */
async function waitForPrompt(page: Page, locale: Locale): Promise<number> {
  const t = translator(locale);
  await expect(page.getByTestId('lab-status')).toHaveText(new RegExp(escape(t('status.ready'))), { timeout: PROMPT_TIMEOUT });
  await expect.poll(() => terminalText(page), { timeout: PROMPT_TIMEOUT, message: 'a root prompt in the terminal' }).toMatch(/root@[^\n]*# ?$|# $/m);
  // The page's own figure: performance.now() when the first console bytes arrived after ready.
  return page.evaluate(() => (globalThis as unknown as { __runtimeLab: { promptAtMs(): number } }).__runtimeLab.promptAtMs());
}

const lastCommandEnd = (page: Page) => page.evaluate(() => (globalThis as unknown as { __runtimeLab: { lastCommandEndAtMs(): number | null } }).__runtimeLab.lastCommandEndAtMs());

/**
 * Types a command into the terminal as a learner would, and waits for the prompt to come back (the
 * shell's end-of-command mark) unless told not to: a learner types the next command at the prompt.
 */
async function typeInTerminal(page: Page, line: string, { wait = true } = {}) {
  const before = await lastCommandEnd(page);
  await page.locator('.lab-terminal').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  if (wait) await expect.poll(() => lastCommandEnd(page), { timeout: 120_000, message: `the prompt after \`${line}\`` }).not.toBe(before);
}

function watch(page: Page) {
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && console.log(`[console] ${m.text()}`));
}

for (const locale of LOCALES) {
  test.describe(`lesson 1 in ${locale}`, () => {
    test.describe.configure({ mode: 'serial' });
    const t = translator(locale);
    let page: Page;
    test.beforeAll(async ({ browser }) => {
      page = await browser.newPage({ locale: locale === 'zh' ? 'zh-CN' : 'en-GB' });
      watch(page);
    });
    test.afterAll(async () => page?.close());
    // On failure, the terminal's text says more than a screenshot of a canvas.
    test.afterEach(async ({}, info) => {
      if (info.status !== info.expectedStatus && page && !page.isClosed()) {
        await info.attach('terminal.txt', { body: await terminalText(page).catch((e) => String(e)), contentType: 'text/plain' });
      }
    });

    test('opens beside the lab, in its language, and the prompt comes', async () => {
      await page.goto(lessonPath(locale));
      await expect(page.locator('html')).toHaveAttribute('lang', locale === 'zh' ? 'zh-CN' : 'en');
      await expect(page.getByRole('heading', { level: 1, name: HEADING[locale] })).toBeVisible();
      await expect(page.getByTestId('untranslated')).toHaveCount(0);
      await expect(page.locator('[data-step]')).toHaveCount(4);
      await expect(page.locator('[data-step="pid1"]')).toHaveAttribute('data-status', 'pending');
      const ms = await waitForPrompt(page, locale);
      console.log(`[${locale}] navigation to prompt (first visit): ${(ms / 1000).toFixed(1)} s`);
    });

    test('Run types the step into the terminal, its output shows, and its check passes', async () => {
      const step = page.locator('[data-step="pid1"]');
      // Watch the step's states frame by frame from before the click: when the check starts, when it passes.
      const at = (status: string) =>
        page.waitForFunction((s) => document.querySelector('[data-step="pid1"]')?.getAttribute('data-status') === s && performance.now(), status, { timeout: 180_000, polling: 'raf' });
      const checkingAt = at('checking');
      const passedAt = at('passed');
      await step.getByRole('button', { name: new RegExp(`^${escape(t('code.runLabel', { command: 'ps' }))}`) }).click();
      await expect.poll(() => terminalText(page), { timeout: 120_000 }).toMatch(/^\s*1 systemd /m);
      const [checking, passed] = [(await (await checkingAt).jsonValue()) as number, (await (await passedAt).jsonValue()) as number];
      const endedAt = await page.evaluate(() => (globalThis as unknown as { __runtimeLab: { lastCommandEndAtMs(): number | null } }).__runtimeLab.lastCommandEndAtMs());
      expect(endedAt, 'the shell marked the end of the command').not.toBeNull();
      // The page checks once, as soon as the shell marks the command's end (no polling): the check
      // starts within a few frames. The check itself runs in the emulated guest (its time is the
      // machine's speed, see the README's performance section).
      console.log(`[${locale}] check started ${Math.round(checking - endedAt!)} ms and passed ${Math.round(passed - endedAt!)} ms after the command ended`);
      expect(checking - endedAt!).toBeLessThan(250);
      expect(passed - endedAt!).toBeLessThan(2500);
      await expect(step).toHaveAttribute('data-status', 'passed');
      await expect(step.locator('.step-status')).toHaveText(t('step.passed'));
      await expect(page.getByTestId('progress-count')).toHaveText('1/4');
      await step.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `test-results/lesson-${locale}-step-passed.png` });
    });

    test("a check that fails says in a sentence, in the page's language, what is missing", async () => {
      const step = page.locator('[data-step="run"]');
      await step.getByRole('button', { name: t('step.check'), exact: true }).click();
      await expect(step).toHaveAttribute('data-status', 'failed', { timeout: 120_000 });
      await expect(step.locator('.check-output')).toHaveText(t('check.container-missing').replace('{1}', 'hello').replace('{2}', 'default'));
    });

    test('progress survives a reload', async () => {
      await page.reload();
      await expect(page.locator('[data-step="pid1"]')).toHaveAttribute('data-status', 'passed');
      await expect(page.getByTestId('progress-count')).toHaveText('1/4');
      const ms = await waitForPrompt(page, locale);
      console.log(`[${locale}] navigation to prompt (second visit, browser cache): ${(ms / 1000).toFixed(1)} s`);
    });

    test('Reset lab takes the machine back: a file made before is gone', async () => {
      const probe = 'echo "STATE-$(test -e /root/made-before-reset && echo yes || echo no)"';
      await typeInTerminal(page, 'touch /root/made-before-reset');
      await typeInTerminal(page, probe);
      await expect.poll(() => terminalText(page), { timeout: 120_000 }).toContain('STATE-yes');

      await page.getByRole('button', { name: t('topbar.reset'), exact: true }).click();
      await waitForPrompt(page, locale);
      await typeInTerminal(page, probe);
      await expect.poll(() => terminalText(page), { timeout: 120_000 }).toContain('STATE-no');
      expect(await terminalText(page)).not.toContain('STATE-yes');
      // Progress is the learner's record, not the machine's: it stays.
      await expect(page.getByTestId('progress-count')).toHaveText('1/4');
    });
  });
}

test.describe("the lab's limits", () => {
  test.describe.configure({ mode: 'serial' });
  let page: Page;
  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
    watch(page);
    await page.goto(lessonPath('en'));
    await waitForPrompt(page, 'en');
  });
  test.afterAll(async () => page?.close());

  test('a command printing 50 MB comes back cut at 1 MiB with a flag, and the lab stays usable', async () => {
    const r = await page.evaluate(() => (globalThis as unknown as { __runtimeLab: { exec(s: string): Promise<{ exitCode: number; stdout: string; truncated?: { stdout: boolean } }> } }).__runtimeLab
      .exec('head -c 50000000 /dev/zero | tr "\\0" x').then((x) => ({ exitCode: x.exitCode, length: x.stdout.length, truncated: x.truncated })));
    expect(r).toEqual({ exitCode: 0, length: 1024 * 1024, truncated: { stdout: true, stderr: false } });
    await typeInTerminal(page, 'echo "STILL-$((20+22))"');
    await expect.poll(() => terminalText(page), { timeout: 120_000 }).toContain('STILL-42');
  });

  test('the lab stops answering, comes back, and a check then passes', async () => {
    // The agent goes away for a while (as when the guest is overloaded), then returns.
    await typeInTerminal(page, 'systemctl stop lab-agent; sleep 50; systemctl start lab-agent', { wait: false });
    await expect(page.getByTestId('lab-status')).toHaveText(/Not answering/, { timeout: 90_000 });
    await expect(page.getByTestId('lab-status')).toHaveText(/Ready/, { timeout: 120_000 });
    const step = page.locator('[data-step="tag"]');
    await expect(step).toHaveAttribute('data-status', 'pending');
    await step.getByRole('button', { name: /^Run: ctr images tag/ }).click();
    await expect(step).toHaveAttribute('data-status', 'passed', { timeout: 180_000 });
  });
});

test.describe('a later visit', () => {
  test('starts from the snapshot this device kept unpacked, without reading the compressed one', async ({ browser }) => {
    // No service worker: every read of the compressed snapshot is a request the test can see.
    const context = await browser.newContext({ serviceWorkers: 'block', locale: 'en-GB' });
    try {
      const page = await context.newPage();
      watch(page);
      const manifest = await (await page.request.get('/vm/manifest.json')).json();
      const keptWhole = () =>
        page.evaluate(
          async ([folder, sha]) => {
            try {
              await (await (await navigator.storage.getDirectory()).getDirectoryHandle(folder)).getFileHandle(`${sha}.done`);
              return true;
            } catch {
              return false;
            }
          },
          [KEPT_STATE_FOLDER, manifest.files.state.sha256 as string],
        );
      await page.goto(lessonPath('en'));
      await waitForPrompt(page, 'en');
      await expect.poll(keptWhole, { message: 'the first visit kept the unpacked snapshot, marked whole' }).toBe(true);

      let stateRequests = 0;
      await context.route(`**/vm/${manifest.files.state.name}`, (route) => {
        stateRequests++;
        return route.abort();
      });
      await page.reload();
      const ms = await waitForPrompt(page, 'en');
      console.log(`navigation to prompt from the kept snapshot: ${(ms / 1000).toFixed(1)} s`);
      expect(stateRequests, 'the compressed snapshot was not asked for').toBe(0);
      await typeInTerminal(page, 'echo "KEPT-$((40+2))"');
      await expect.poll(() => terminalText(page), { timeout: 120_000 }).toContain('KEPT-42');

      // The same reload without the kept copy asks for the snapshot and, refused, fails: the copy
      // was what started the lab above.
      await page.evaluate(async (folder) => (await navigator.storage.getDirectory()).removeEntry(folder, { recursive: true }), KEPT_STATE_FOLDER);
      await page.reload();
      await expect(page.getByTestId('lab-status')).toHaveText(/Failed/, { timeout: 120_000 });
      expect(stateRequests).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });
});

test.describe('when the lab cannot start, the panel says why and what to do', () => {
  test('the VM files are missing: it names the command that builds them', async ({ page }) => {
    await page.route('**/vm/manifest.json', (r) => r.fulfill({ status: 404, body: 'not found' }));
    await page.goto(lessonPath('en'));
    await expect(page.getByTestId('lab-status')).toHaveText(/Failed/);
    await expect(page.locator('.lab-overlay')).toContainText('npm run lab:image');
    await expect(page.locator('.lab-overlay').getByRole('button', { name: 'Reload page' })).toBeVisible();
  });

  test('a state file from another build: it says the lab files do not belong together', async ({ page, request }) => {
    // The manifest of a newer build beside the cached state of an older one.
    const manifest = await (await request.get('/vm/manifest.json')).json();
    manifest.files.state.sha256 = '0'.repeat(64);
    await page.route('**/vm/manifest.json', (r) => r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(manifest) }));
    await page.goto(lessonPath('en'));
    await expect(page.getByTestId('lab-status')).toHaveText(/Failed/, { timeout: 120_000 });
    await expect(page.locator('.lab-overlay')).toContainText('The lab files are from another build');
    await page.locator('.lab-overlay summary').click();
    // The export names the state by its content's hash (state.<hash>.bin.zst).
    await expect(page.locator('.lab-overlay')).toContainText(/state\.([0-9a-f]{16}\.)?bin\.zst does not match the lab manifest/);
  });

  for (const locale of LOCALES) {
    test(`no WebAssembly: it says so (${locale})`, async ({ page }) => {
      await page.addInitScript(() => {
        delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
      });
      await page.goto(lessonPath(locale));
      await expect(page.locator('.lab-overlay')).toContainText(translator(locale)('error.no-wasm'));
      await expect(page.locator('.lab-overlay')).toContainText(translator(locale)('error.no-wasm.hint'));
    });
  }
});
