import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecTimeoutError, type ExecResult } from '../vm/index.ts';
import { checkKey, useCheckStore } from './check-store.ts';
import { fakeMachine, fakeWorker, ok, type FakeMachine } from './fake-worker.ts';
import { LabClient, type LabClientOptions } from './lab-client.ts';
import { useLabStore, type LabStatus } from './lab-store.ts';
import type { RemoteLabError } from './protocol.ts';

// The page's globals the client (and the progress store a check writes) reads; Node has none of them.
let reloads = 0;
const stored = new Map<string, string>();
Object.defineProperty(globalThis, 'localStorage', {
  configurable: true,
  value: { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v), removeItem: (k: string) => void stored.delete(k) },
});
Object.defineProperty(globalThis, 'location', {
  configurable: true,
  value: { href: 'http://localhost/lessons/first/', search: '', reload: () => void reloads++ },
});

beforeEach(() => {
  reloads = 0;
  useLabStore.getState().set({ status: 'idle', error: null, setupFailure: null, progress: { loaded: 0, total: 0 }, promptAtMs: null });
  useCheckStore.setState({ checks: {} });
});

function labWith(machine: FakeMachine, opts: Omit<LabClientOptions, 'createWorker'> = {}) {
  const worker = fakeWorker(machine);
  const client = new LabClient({ ...opts, createWorker: () => worker });
  const sent = (type: string) => worker.posted.filter((m) => m.type === type);
  return { client, worker, sent };
}

const status = () => useLabStore.getState().status;
const turn = () => new Promise((r) => setImmediate(r));

async function until(what: string, cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what} (status ${status()})`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Every status the store takes from now on. */
function recordStatuses(): { seen: LabStatus[]; stop: () => void } {
  const seen: LabStatus[] = [];
  const stop = useLabStore.subscribe((s, prev) => s.status !== prev.status && seen.push(s.status));
  return { seen, stop };
}

test('start: downloading, then ready once the worker replies', async () => {
  const { client, sent } = labWith(fakeMachine());
  const { seen, stop } = recordStatuses();
  await client.start();
  stop();
  assert.deepEqual(seen, ['downloading', 'ready']);
  assert.equal(sent('start').length, 1);
  assert.deepEqual(useLabStore.getState().progress, { loaded: 10, total: 10 });
  await client.start(); // once per page
  assert.equal(sent('start').length, 1);
});

test('hung, then recovered: a check that waited for the lab runs and passes', async () => {
  const machine = fakeMachine({ run: (script) => ok(`ran ${script}`) });
  const { client, sent } = labWith(machine);
  await client.start();
  machine.events.emit('hung', { silentMs: 20_000 });
  await until('hung', () => status() === 'hung');

  const { runCheck } = await import('./checks.ts');
  const check = runCheck('first', { id: 'pid1', check: 'pgrep containerd' }, false, client);
  await turn();
  assert.deepEqual(useCheckStore.getState().checks[checkKey('first', 'pid1')], { state: 'checking' });
  assert.equal(sent('exec').length, 0, 'no check runs while the guest does not answer');

  machine.events.emit('recovered', undefined);
  assert.equal(await check, true);
  assert.equal(status(), 'ready');
  assert.equal(useCheckStore.getState().checks[checkKey('first', 'pid1')], undefined);
});

test('two resets at once: one reset request reaches the worker, both callers get its outcome', async () => {
  let resets = 0;
  const machine = fakeMachine({ reset: async () => void resets++ });
  const { client, sent } = labWith(machine);
  await client.start();
  const first = client.reset();
  const second = client.reset();
  assert.equal(first, second);
  await Promise.all([first, second]);
  assert.equal(sent('reset').length, 1);
  assert.equal(resets, 1);
  assert.equal(status(), 'ready');
  await client.reset(); // a later reset is a new one
  assert.equal(sent('reset').length, 2);
});

test('reset clears hung; a hang reported while resetting neither shows nor makes the lab ready early', async () => {
  let finishReset!: () => void;
  const machine = fakeMachine({
    reset: () => {
      // As the real driver does: its stale watchdog may report a hang, and the restored agent's
      // first answer reports recovery, both before the reset is done.
      machine.events.emit('hung', { silentMs: 15_000 });
      machine.events.emit('recovered', undefined);
      return new Promise<void>((res) => (finishReset = res));
    },
  });
  const { client } = labWith(machine);
  await client.start();
  machine.events.emit('hung', { silentMs: 20_000 });
  await until('hung', () => status() === 'hung');

  const { seen, stop } = recordStatuses();
  const reset = client.reset();
  assert.equal(status(), 'resetting');
  await until('the reset to reach the machine', () => finishReset !== undefined);
  await new Promise((r) => setTimeout(r, 10)); // the hung/recovered events arrive
  assert.equal(status(), 'resetting');
  finishReset();
  await reset;
  stop();
  assert.deepEqual(seen, ['resetting', 'ready']);
});

test('a start that never finishes fails with start-timeout: the error panel shows it, waiters learn it', async () => {
  const { client, worker } = labWith(fakeMachine({ start: () => new Promise(() => {}) }), { startTimeoutMs: 40 });
  const waiting = client.whenReady();
  await client.start();
  assert.equal(status(), 'error');
  const { error } = useLabStore.getState();
  assert.equal(error?.code, 'start-timeout');
  assert.match(error?.message ?? '', /did not finish starting: nothing happened for 0\.04 s/);
  assert.match(error?.hint ?? '', /reload the page/);
  assert.ok(worker.terminated, 'the stuck worker is stopped');
  await assert.rejects(waiting, (e: RemoteLabError) => e.code === 'start-timeout');
  await assert.rejects(client.exec('true'), /not running/); // nothing waits on a worker that is gone
  await client.reset(); // no machine to reset to: start over
  assert.equal(reloads, 1);
});

test('the start limit counts from the last download progress: a slow download that moves goes on', async () => {
  const machine = fakeMachine({
    start: async () => {
      for (let loaded = 1; loaded <= 8; loaded++) {
        await new Promise((r) => setTimeout(r, 60));
        machine.events.emit('progress', { loaded, total: 8, file: 'state.bin.zst' });
      }
    },
  });
  // The whole start takes ~480 ms, each gap 60 ms: room for a loaded machine's late timers.
  const { client } = labWith(machine, { startTimeoutMs: 250 });
  await client.start();
  assert.equal(status(), 'ready', useLabStore.getState().error?.message);
});

test('a reset that never finishes fails with reset-timeout; Reset then reloads the page', async () => {
  const { client, worker } = labWith(fakeMachine({ reset: () => new Promise(() => {}) }), { resetTimeoutMs: 40 });
  await client.start();
  await client.reset();
  assert.equal(status(), 'error');
  assert.equal(useLabStore.getState().error?.code, 'reset-timeout');
  assert.match(useLabStore.getState().error?.message ?? '', /did not come back within 0\.04 s/);
  assert.ok(worker.terminated);
  await client.reset();
  assert.equal(reloads, 1);
});

test("a failing lesson setup: the lab is ready, and the store holds the command's output", async () => {
  const machine = fakeMachine({
    run: (script): ExecResult => {
      if (script === 'ctr run broken') return { exitCode: 3, stdout: 'pulling…', stderr: 'ctr: image not found', durationMs: 5 };
      if (script === 'sleep 999') throw new ExecTimeoutError(script, 180_000);
      return ok();
    },
  });
  const { client } = labWith(machine);
  await client.setLessonSetup('ctr run broken');
  await client.start();
  assert.equal(status(), 'ready');
  assert.deepEqual(useLabStore.getState().setupFailure, { exitCode: 3, output: 'pulling…\nctr: image not found' });

  await client.setLessonSetup('true'); // another lesson, whose setup works
  assert.equal(useLabStore.getState().setupFailure, null);

  await client.setLessonSetup('sleep 999'); // one that does not finish
  assert.deepEqual(useLabStore.getState().setupFailure?.exitCode, undefined);
  assert.match(useLabStore.getState().setupFailure?.output ?? '', /Timed out after 180 s/);
});

test('an emulator crash while the setup runs leaves the lab failed (not ready); reset recovers it', async () => {
  let crashSetup!: (e: Error) => void;
  const machine = fakeMachine({
    run: (script) => (script === 'setup' ? new Promise<ExecResult>((_, rej) => (crashSetup = rej)) : ok()),
  });
  const { client } = labWith(machine);
  await client.setLessonSetup('setup');
  const started = client.start();
  await until('the setup to run', () => crashSetup !== undefined);
  machine.events.emit('crashed', { message: 'The emulator stopped.', hint: 'Reset the lab.', code: 'emulator-crashed' });
  crashSetup(new Error('The emulator stopped.'));
  await started;
  assert.equal(status(), 'error');
  assert.equal(useLabStore.getState().error?.code, 'emulator-crashed');
  await assert.rejects(client.whenReady(), /emulator stopped/);

  await client.setLessonSetup(undefined);
  await client.reset(); // the worker still holds the machine: restore it
  assert.equal(status(), 'ready');
  assert.equal(reloads, 0);
});

test('a crashed worker fails what waits on it, and Reset reloads', async () => {
  const { client, worker } = labWith(fakeMachine({ run: () => new Promise<ExecResult>(() => {}) }));
  await client.start();
  const pending = client.exec('sleep 1');
  worker.crash('out of memory');
  await assert.rejects(pending, /The lab machine stopped: out of memory/);
  assert.equal(status(), 'error');
  assert.equal(useLabStore.getState().error?.code, 'worker-crashed');
  await client.reset();
  assert.equal(reloads, 1);
});
