import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecTimeoutError, type ExecResult } from '../vm/index.ts';
import { checkKey, useCheckStore } from './check-store.ts';
import { fakeMachine, fakeWorker, ok } from './fake-worker.ts';
import { LabClient } from './lab-client.ts';
import { checkScript } from './lesson-format.ts';
import { useLabStore } from './lab-store.ts';

// The page's globals the lab client and the progress store read; Node has none of them.
const stored = new Map<string, string>();
Object.defineProperty(globalThis, 'localStorage', {
  configurable: true,
  value: { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v), removeItem: (k: string) => void stored.delete(k) },
});
Object.defineProperty(globalThis, 'location', { configurable: true, value: { href: 'http://localhost/lessons/first/', search: '', reload: () => {} } });
// After the stubs: the progress store picks its storage as it is created.
const { runCheck } = await import('./checks.ts');
const { progressStore } = await import('./progress.ts');

const LESSON = 'first';
const check = (id: string) => useCheckStore.getState().checks[checkKey(LESSON, id)];

/** A started lab whose guest answers every script with `run`; `scripts` lists what it was asked, with the time limit. */
async function labRunning(run: (script: string) => ExecResult | Promise<ExecResult>) {
  const worker = fakeWorker(fakeMachine({ run }));
  const client = new LabClient({ createWorker: () => worker, warmUpScript: '' });
  await client.start();
  assert.equal(useLabStore.getState().status, 'ready');
  const scripts = () => worker.posted.flatMap((m) => (m.type === 'exec' ? [{ script: m.script, timeout: m.timeout }] : []));
  return { client, scripts };
}

beforeEach(() => {
  useLabStore.getState().set({ status: 'idle', error: null, setupFailure: null });
  useCheckStore.setState({ checks: {} });
  progressStore.getState().clearLesson(LESSON);
});

test('a passing check marks the step passed and leaves nothing in the check store', async () => {
  const { client, scripts } = await labRunning(() => ok('1'));
  assert.equal(await runCheck(LESSON, { id: 'pid1', check: 'test -d /proc/1' }, false, client), true);
  assert.ok(progressStore.getState().isPassed(LESSON, 'pid1'));
  assert.equal(check('pid1'), undefined);
  assert.deepEqual(scripts(), [{ script: checkScript('test -d /proc/1'), timeout: 120_000 }]);
  assert.match(stored.get('runtime-lab:progress') ?? '', /pid1/); // persisted for the next visit
});

test('a failing check shows its exit status and output; a quiet one keeps showing "checking"', async () => {
  const { client } = await labRunning(() => ({ exitCode: 1, stdout: '', stderr: 'no such container: web', durationMs: 3 }));
  assert.equal(await runCheck(LESSON, { id: 'run', check: 'ctr task ls | grep web' }, false, client), false);
  assert.deepEqual(check('run'), { state: 'failed', outcome: { kind: 'exit', exitCode: 1, output: 'no such container: web' } });
  assert.equal(progressStore.getState().isPassed(LESSON, 'run'), false);

  assert.equal(await runCheck(LESSON, { id: 'quiet', check: 'false' }, true, client), false);
  assert.deepEqual(check('quiet'), { state: 'checking' });
});

test("a helper's failure lines are kept as codes and arguments, to be shown in the page's language", async () => {
  const { client } = await labRunning(() => ({ exitCode: 1, stdout: 'noise\n✗\ttask-status\thello\tSTOPPED\tRUNNING\n', stderr: '', durationMs: 3 }));
  assert.equal(await runCheck(LESSON, { id: 'run', check: 'expect_task hello RUNNING' }, false, client), false);
  assert.deepEqual(check('run'), { state: 'failed', outcome: { kind: 'failures', failures: [{ code: 'task-status', args: ['hello', 'STOPPED', 'RUNNING'] }] } });
});

test('a check that times out in the guest fails with the timeout message', async () => {
  const { client } = await labRunning((script) => {
    throw new ExecTimeoutError(script, 120_000);
  });
  assert.equal(await runCheck(LESSON, { id: 'slow', check: 'sleep 600' }, false, client), false);
  const shown = check('slow');
  assert.equal(shown?.state, 'failed');
  assert.deepEqual(shown?.state === 'failed' && shown.outcome, { kind: 'timeout', seconds: 120 });
});

test('a check waiting for a lab that fails to start fails with the reason instead of "checking" for good', async () => {
  const worker = fakeWorker(fakeMachine({ start: () => new Promise(() => {}) }));
  const client = new LabClient({ createWorker: () => worker, startTimeoutMs: 30, warmUpScript: '' });
  const result = runCheck(LESSON, { id: 'pid1', check: 'true' }, false, client);
  void client.start();
  assert.equal(await result, false);
  const shown = check('pid1');
  assert.equal(shown?.state, 'failed');
  const outcome = shown?.state === 'failed' ? shown.outcome : undefined;
  assert.equal(outcome?.kind === 'error' && outcome.code, 'start-timeout');
});
