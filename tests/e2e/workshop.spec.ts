// The trainer's view of a workshop, end to end: the real server (src/server/main.ts --workshop) on
// a free loopback port with a temporary data folder; two learners in their own browser contexts
// join and pass a step each (a quiz, and a real check in the lab); the trainer's grid shows both;
// the server is killed (as in a crash) and restarted and keeps them; a wrong token and an
// oversized report are refused. Also: a server without --workshop offers nothing.
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLessons } from '../../src/content/load.ts';
import { translator } from '../../src/i18n/messages.ts';
import { WORKSHOP_KEY } from '../../src/lab/workshop-reporter.ts';

const t = translator('en');
const PROMPT_TIMEOUT = 4 * 60_000;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts the workshop server as the trainer would; resolves with the trainer address it prints. */
async function startWorkshopServer(port: number, dataDir: string): Promise<{ child: ChildProcess; trainerUrl: string }> {
  // One process (node with tsx's loader, not the tsx CLI, which runs a child): killing it kills the server.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--workshop', '--host', '127.0.0.1', '--port', String(port), '--dir', 'out', '--data', dataDir, '--no-qr'], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const trainerUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The workshop server printed no trainer address in 30 s:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Trainer view: (\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The workshop server exited (${code}) before it was ready:\n${output}`));
    });
  });
  return { child, trainerUrl };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL'); // a crash, not a clean stop: what was answered must already be on disk
  await exited;
}

const terminalText = (page: Page) => page.evaluate(() => (globalThis as unknown as { __runtimeLab?: { terminalText(): string } }).__runtimeLab?.terminalText() ?? '');

async function joinWorkshop(page: Page, name: string) {
  const control = page.getByTestId('workshop');
  // The invitation is open on a first visit in workshop mode.
  await expect(control).toHaveAttribute('open', '');
  await control.getByLabel(t('workshop.name')).fill(name);
  await control.getByRole('button', { name: t('workshop.submit') }).click();
  await expect(control.locator('summary')).toHaveText(t('workshop.joined', { name }));
}

/** The learner's sync line, in the control's panel (which closes after joining): opened to read it. */
async function syncStatus(page: Page) {
  const control = page.getByTestId('workshop');
  if ((await control.getAttribute('open')) === null) await control.locator('summary').click();
  return control.getByRole('status');
}

/** The trainer grid's cell of a learner (by name) and a step. */
const cell = (trainer: Page, name: string, lesson: string, step: string) =>
  trainer.locator('#grid tbody tr').filter({ has: trainer.locator('th.name', { hasText: new RegExp(`^${escape(name)}$`) }) }).locator(`td[data-lesson="${lesson}"][data-step="${step}"]`);

test.describe('workshop mode', () => {
  test.describe.configure({ mode: 'serial' });
  let port: number;
  let base: string;
  let dataDir: string;
  let server: { child: ChildProcess; trainerUrl: string };
  let trainerContext: BrowserContext;
  let trainer: Page;
  const quizLesson = loadLessons().find((l) => l.quizzes.length)!;
  const quiz = quizLesson.quizzes.find((q) => q.answer.length === 1) ?? quizLesson.quizzes[0];

  const learnerContext = (browser: Browser) => browser.newContext({ baseURL: base, locale: 'en-GB' });

  test.beforeAll(async ({ browser }) => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    dataDir = await mkdtemp(join(tmpdir(), 'workshop-e2e-'));
    server = await startWorkshopServer(port, dataDir);
    trainerContext = await browser.newContext({ baseURL: base, locale: 'en-GB' });
    trainer = await trainerContext.newPage();
  });

  test.afterAll(async () => {
    await trainerContext?.close();
    if (server) await kill(server.child);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('the trainer address works once; then the empty grid is live', async () => {
    const token = new URL(server.trainerUrl).searchParams.get('token');
    expect(token).toBeTruthy();
    await trainer.goto(`/trainer?token=${token}`);
    // The token is swapped for a cookie and leaves the address bar.
    expect(new URL(trainer.url()).search).toBe('');
    await expect(trainer.getByRole('heading', { name: t('trainer.heading') })).toBeVisible();
    await expect(trainer.locator('#live')).toHaveText(t('trainer.live'));
    await expect(trainer.locator('#empty')).toBeVisible();
  });

  test('learner 1 joins and answers a quiz: the grid shows it', async ({ browser }) => {
    const context = await learnerContext(browser);
    const page = await context.newPage();
    await page.goto(`/en/lessons/${quizLesson.slug}/`);
    await joinWorkshop(page, 'Ada');
    const box = page.locator(`[data-quiz="${quiz.id}"]`);
    for (const a of quiz.answer) await box.locator(`[data-choice="${a}"] input`).check();
    await box.getByRole('button', { name: t('quiz.check') }).click();
    await expect(box).toHaveAttribute('data-status', 'passed');
    await expect(await syncStatus(page)).toHaveText(t('workshop.synced'));
    await expect(cell(trainer, 'Ada', quizLesson.slug, quiz.id)).toHaveAttribute('data-state', 'passed');
    // Ada's lesson is open and its first step is not done: that is where she is.
    await expect(cell(trainer, 'Ada', quizLesson.slug, quizLesson.steps[0].id)).toHaveAttribute('data-state', 'current');
    // One lab at a time on the test machine: Ada's page (and its lab) goes before Bo's starts.
    await context.close();
  });

  test('learner 2 joins and passes a real check in the lab: the grid shows both', async ({ browser }) => {
    test.setTimeout(PROMPT_TIMEOUT + 4 * 60_000); // the prompt, then the check, on a shared machine
    const context = await learnerContext(browser);
    const page = await context.newPage();
    await page.goto('/en/lessons/meet-the-lab/');
    await joinWorkshop(page, 'Bo');
    await expect(page.getByTestId('lab-status')).toHaveText(new RegExp(escape(t('status.ready'))), { timeout: PROMPT_TIMEOUT });
    await expect.poll(() => terminalText(page), { timeout: PROMPT_TIMEOUT, message: 'a root prompt in the terminal' }).toMatch(/root@[^\n]*# ?$|# $/m);
    const step = page.locator('[data-step="pid1"]');
    await step.getByRole('button', { name: new RegExp(`^${escape(t('code.runLabel', { command: 'ps' }))}`) }).click();
    await expect(step).toHaveAttribute('data-status', 'passed', { timeout: 180_000 });
    await expect(cell(trainer, 'Bo', 'meet-the-lab', 'pid1')).toHaveAttribute('data-state', 'passed');
    await expect(cell(trainer, 'Bo', 'meet-the-lab', 'tag')).toHaveAttribute('data-state', 'current');
    await expect(cell(trainer, 'Ada', quizLesson.slug, quiz.id)).toHaveAttribute('data-state', 'passed');
    await expect(trainer.locator('#grid tbody tr')).toHaveCount(2);
    // The export has both, a row per learner and step.
    const csv = await (await trainer.request.get('/trainer/progress.csv')).text();
    expect(csv).toMatch(new RegExp(`,Bo,[^\\n]*,meet-the-lab,pid1,step,passed,`));
    expect(csv).toMatch(new RegExp(`,Ada,[^\\n]*,${quizLesson.slug},${quiz.id},quiz,passed,`));
    await context.close();
  });

  test('a crash and a restart keep every learner and step; the trainer stays signed in', async () => {
    await kill(server.child);
    server = await startWorkshopServer(port, dataDir);
    await trainer.reload();
    await expect(trainer.locator('#live')).toHaveText(t('trainer.live'));
    await expect(trainer.locator('#grid tbody tr')).toHaveCount(2);
    await expect(cell(trainer, 'Bo', 'meet-the-lab', 'pid1')).toHaveAttribute('data-state', 'passed');
    await expect(cell(trainer, 'Ada', quizLesson.slug, quiz.id)).toHaveAttribute('data-state', 'passed');
    await trainer.screenshot({ path: 'test-results/workshop-trainer.png' });
  });

  test('a wrong token is refused and shows no learner', async ({ playwright }) => {
    const stranger = await playwright.request.newContext({ baseURL: base });
    const wrong = await stranger.get('/trainer?token=not-the-token', { maxRedirects: 0 });
    expect(wrong.status()).toBe(403);
    const text = await wrong.text();
    expect(text).not.toContain('Ada');
    expect(text).not.toContain('Bo');
    expect((await stranger.get('/trainer/room.json')).status()).toBe(401);
    expect((await stranger.get('/trainer/progress.csv')).status()).toBe(401);
    await stranger.dispose();
  });

  test('an oversized report is refused with 413 and changes nothing', async ({ browser, playwright }) => {
    // A learner's own secret, as their page keeps it.
    const context = await learnerContext(browser);
    const page = await context.newPage();
    await page.goto(`/en/lessons/${quizLesson.slug}/`);
    await joinWorkshop(page, 'Cy');
    // Everything Cy's page had to say has arrived, so the room is settled before the comparison.
    await expect(await syncStatus(page)).toHaveText(t('workshop.synced'));
    const secret = await page.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? '{}') as { membership?: { secret: string } }).membership?.secret, WORKSHOP_KEY);
    await context.close();
    expect(secret).toBeTruthy();
    const before = await (await trainer.request.get('/trainer/room.json')).json();
    const api = await playwright.request.newContext({ baseURL: base });
    const r = await api.post('/api/workshop/progress', {
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      data: JSON.stringify({ lessonId: 'meet-the-lab', stepId: 'tag', state: 'passed', at: Date.now(), note: 'x'.repeat(5000) }),
    });
    expect(r.status()).toBe(413);
    expect((await r.json()).error).toBe('too-large');
    const after = await (await trainer.request.get('/trainer/room.json')).json();
    expect(after.learners).toEqual(before.learners.map((l: { idleMs: number }, i: number) => ({ ...l, idleMs: after.learners[i].idleMs, stuck: after.learners[i].stuck })));
    await api.dispose();
  });
});

test('a server without --workshop offers no workshop', async ({ page }) => {
  const status = page.waitForResponse((r) => r.url().endsWith('/api/workshop/status'));
  await page.goto('/en/lessons/meet-the-lab/');
  expect((await status).status()).toBe(404);
  await expect(page.getByTestId('workshop')).toHaveCount(0);
});
