// The lesson "Wiring a node" in a real browser against the real lab, one boot: a learner types a
// wrong edgecore.yaml into the console, presses Check, and reads which field is wrong, what it
// holds and what the lab's containerd really serves, in English; switches to Chinese, types another
// wrong one (an endpoint that is a socket but not the CRI) and reads that in Chinese; then fixes
// the file and the step passes.
import { expect, test, type Page } from '@playwright/test';
import { translator } from '../../src/i18n/messages.ts';
import { loadLesson } from '../../src/content/load.ts';
import { lessonText } from '../../src/content/localized.ts';
import { fillArgs } from '../../src/lab/check-messages.ts';
import type { Locale } from '../../src/i18n/locales.ts';

const PROMPT_TIMEOUT = 4 * 60_000;
const FILE = '/etc/kubeedge/config/edgecore.yaml';
const CRI_SOCKET = 'unix:///run/containerd/containerd.sock';
const TTRPC_SOCKET = 'unix:///run/containerd/containerd.sock.ttrpc';
const FIELD_DRIVER = 'modules.edged.tailoredKubeletConfig.cgroupDriver';
const FIELD_ENDPOINT = 'modules.edged.remoteRuntimeEndpoint';

const lesson = loadLesson('wiring-a-node');
/** The sentence the page should show for a check code, from the lesson's own messages. */
function sentence(locale: Locale, code: string, args: string[]): string {
  const template = lesson && lessonText(lesson, locale).messages[code];
  if (!template) throw new Error(`the lesson wiring-a-node has no message "${code}" in ${locale}`);
  return fillArgs(template, args);
}

/** One edgecore.yaml as a single printf a learner could type (no heredoc: one line, one prompt). */
function writeEdgecore(endpoint: string, driver: string): string {
  const yaml = ['modules:', '  edged:', '    containerRuntime: remote', `    remoteRuntimeEndpoint: ${endpoint}`, `    remoteImageEndpoint: ${CRI_SOCKET}`, '    tailoredKubeletConfig:', `      cgroupDriver: ${driver}`];
  return `mkdir -p /etc/kubeedge/config && printf '%s\\n' ${yaml.map((l) => `'${l}'`).join(' ')} > ${FILE}`;
}

const terminalText = (page: Page) => page.evaluate(() => (globalThis as unknown as { __runtimeLab?: { terminalText(): string } }).__runtimeLab?.terminalText() ?? '');
const lastCommandEnd = (page: Page) => page.evaluate(() => (globalThis as unknown as { __runtimeLab: { lastCommandEndAtMs(): number | null } }).__runtimeLab.lastCommandEndAtMs());

async function typeInTerminal(page: Page, line: string) {
  const before = await lastCommandEnd(page);
  await page.locator('.lab-terminal').click();
  // One key at a time with a pause: a long line typed at full speed outruns the emulated console,
  // which drops keys (a learner types slower than this).
  await page.keyboard.type(line, { delay: 25 });
  await page.keyboard.press('Enter');
  await expect.poll(() => lastCommandEnd(page), { timeout: 120_000, message: `the prompt after \`${line}\`` }).not.toBe(before);
}

/** Presses the step's Check and waits for the verdict (the step may already show one from an automatic check). */
async function pressCheck(page: Page, locale: Locale) {
  const step = page.locator('[data-step="edgecore-containerd"]');
  await expect(step).not.toHaveAttribute('data-status', 'checking', { timeout: 120_000 });
  await step.getByRole('button', { name: translator(locale)('step.check'), exact: true }).click();
  await expect(step).not.toHaveAttribute('data-status', 'checking', { timeout: 120_000 });
  return step;
}

test('a wrong edgecore.yaml is explained field by field, in English and in Chinese, and the fixed one passes', async ({ page }) => {
  test.setTimeout(12 * 60_000);
  expect(lesson, 'content/11-wiring-a-node is there').toBeTruthy();
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));

  await page.goto('/en/lessons/wiring-a-node/');
  await expect(page.getByTestId('lab-status')).toHaveText(/Ready/, { timeout: PROMPT_TIMEOUT });
  await expect.poll(() => terminalText(page), { timeout: PROMPT_TIMEOUT, message: 'a root prompt' }).toMatch(/root@[^\n]*# ?$|# $/m);

  // KubeEdge's default driver, cgroupfs, while the lab's containerd runs runc under systemd.
  await typeInTerminal(page, writeEdgecore(CRI_SOCKET, 'cgroupfs'));
  let step = await pressCheck(page, 'en');
  await expect(step).toHaveAttribute('data-status', 'failed');
  const driverSentence = sentence('en', 'driver-mismatch', [FIELD_DRIVER, 'cgroupfs', 'runc', 'systemd']);
  expect(driverSentence).toContain(`${FIELD_DRIVER} is cgroupfs, but the lab's containerd runs runc with the systemd cgroup driver`);
  await expect(step.locator('.check-output')).toHaveText(driverSentence);

  // Same lab, other language: the running machine is kept by the switch.
  await page.getByTestId('switch-zh').click();
  await expect(page).toHaveURL(/\/zh\/lessons\/wiring-a-node\/$/);
  await expect(page.getByTestId('lab-status')).toHaveText(/就绪/);
  await expect(page.locator('[data-step="edgecore-containerd"] .check-output')).toHaveText(sentence('zh', 'driver-mismatch', [FIELD_DRIVER, 'cgroupfs', 'runc', 'systemd']));

  // The shims' ttrpc socket exists but does not serve the CRI.
  await typeInTerminal(page, writeEdgecore(TTRPC_SOCKET, 'systemd'));
  step = await pressCheck(page, 'zh');
  await expect(step).toHaveAttribute('data-status', 'failed');
  const endpointSentence = sentence('zh', 'endpoint-not-cri', [FIELD_ENDPOINT, TTRPC_SOCKET, CRI_SOCKET]);
  expect(endpointSentence).toContain(`${FIELD_ENDPOINT} 是 ${TTRPC_SOCKET}`);
  await expect(step.locator('.check-output')).toHaveText(endpointSentence);

  // Fixed: the right socket and the right driver.
  await typeInTerminal(page, writeEdgecore(CRI_SOCKET, 'systemd'));
  step = await pressCheck(page, 'zh');
  await expect(step).toHaveAttribute('data-status', 'passed');
  await expect(step.locator('.check-output')).toHaveCount(0);
});
