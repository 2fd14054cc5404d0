import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecTimeoutError, type ExecResult } from '../vm/index.ts';
import { checkKey, useCheckStore } from './check-store.ts';
import { fakeMachine, fakeWorker, ok, type FakeMachine, type FakeWorker } from './fake-worker.ts';
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

/** A client whose workers (a new one per start and per reset) all drive `machine`. */
function labWith(machine: FakeMachine, opts: Omit<LabClientOptions, 'createWorker'> = {}) {
  const workers: FakeWorker[] = [];
  const client = new LabClient({
    warmUpScript: '', // tests that count commands count only their own; the warm-up has its test
    spareWorker: false, // tests that count workers count only their own; the spare has its test
    ...opts,
    createWorker: () => {
      const w = fakeWorker(machine);
      workers.push(w);
      return w;
    },
  });
  const sent = (type: string) => workers.flatMap((w) => w.posted.filter((m) => m.type === type));
  return {
    client,
    workers,
    sent,
    /** The latest worker. */
    get worker() {
      return workers[workers.length - 1];
    },
  };
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

test('the prompt: the worker has the console print one as it restores; the page types nothing and marks it once the lab is ready', async () => {
  // The console spoke during the start (its output is replayed once the machine runs): the prompt is
  // marked with the ready, not at a keystroke's answer.
  const printed = new TextEncoder().encode('\r\n# ');
  const { client, sent } = labWith(fakeMachine({ onConsole: (fn, replay) => (replay && fn(printed), () => {}) }));
  await client.start();
  assert.equal(status(), 'ready');
  assert.equal(typeof useLabStore.getState().promptAtMs, 'number');
  assert.deepEqual(sent('console-in'), [], 'the page pressed a key in the learner\'s console');

  // A console that prints nothing before the ready: the prompt waits for its first output.
  useLabStore.getState().set({ promptAtMs: null });
  let speak: (bytes: Uint8Array) => void = () => {};
  const quiet = labWith(fakeMachine({ onConsole: (fn) => ((speak = fn), () => {}) }));
  await quiet.client.start();
  assert.equal(useLabStore.getState().promptAtMs, null);
  speak(printed);
  await until('the prompt to be marked', () => useLabStore.getState().promptAtMs !== null);
});

test('the prompt is usable once the restored machine runs: marked, and taking keys, before the agent\'s first answer makes the lab ready; after it, where a setup must run first', async () => {
  for (const setupFirst of [false, true]) {
    useLabStore.getState().set({ promptAtMs: null });
    let answer: (() => void) | undefined;
    let speak: (bytes: Uint8Array) => void = () => {};
    const typed: string[] = [];
    const machine: FakeMachine = fakeMachine({
      start: async () => {
        machine.events.emit('running', undefined);
        await new Promise<void>((resolve) => (answer = resolve));
      },
      onConsole: (fn) => ((speak = fn), () => {}),
      writeConsole: (bytes) => void typed.push(new TextDecoder().decode(bytes)),
    });
    const { client } = labWith(machine);
    if (setupFirst) await client.setLessonSetup('rm -f /tmp/x', true);
    const started = client.start();
    await until('the machine to run', () => answer !== undefined);
    speak(new TextEncoder().encode('\r\n# '));
    client.writeConsole('ls\r');
    await until('the keys to reach the machine', () => typed.includes('ls\r'));
    await turn();
    await turn();
    assert.notEqual(status(), 'ready');
    assert.equal(useLabStore.getState().promptAtMs === null, setupFirst, setupFirst ? 'the prompt was marked before the setup ran' : 'the prompt was not marked before the answer');
    answer!();
    await started;
    assert.equal(status(), 'ready');
    assert.equal(typeof useLabStore.getState().promptAtMs, 'number');
  }
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

test('once ready (after the setup), and after each reset, the warm-up runs in the background; its failure changes nothing', async () => {
  const scripts: string[] = [];
  const machine = fakeMachine({
    run: (script) => {
      scripts.push(script);
      return script === 'warm' ? { exitCode: 1, stdout: '', stderr: 'no such file', durationMs: 1 } : ok();
    },
  });
  const { client } = labWith(machine, { warmUpScript: 'warm' });
  await client.setLessonSetup('setup');
  await client.start();
  await until('the warm-up', () => scripts.includes('warm'));
  assert.deepEqual(scripts, ['setup', 'warm']);
  assert.equal(status(), 'ready');
  assert.equal(useLabStore.getState().setupFailure, null);
  await client.reset();
  await until('the second warm-up', () => scripts.length === 4);
  assert.deepEqual(scripts, ['setup', 'warm', 'setup', 'warm']);
  assert.equal(status(), 'ready');
});

test('a lesson whose setup only undoes a learner\'s work: no setup after a start or a reset, but on coming from another lesson', async () => {
  const scripts: string[] = [];
  const machine = fakeMachine({ run: (script) => (scripts.push(script), ok()) });
  const { client } = labWith(machine, { warmUpScript: 'warm' });
  await client.setLessonSetup('clean-up', false);
  await client.start();
  await until('the warm-up', () => scripts.includes('warm'));
  assert.deepEqual(scripts, ['warm']);
  assert.equal(status(), 'ready');
  await client.setLessonSetup('other-clean-up', false); // the learner moves on: the lab is not fresh
  assert.deepEqual(scripts, ['warm', 'other-clean-up']);
  await client.reset();
  await until('the second warm-up', () => scripts.length === 3);
  assert.deepEqual(scripts, ['warm', 'other-clean-up', 'warm']);
  await client.setLessonSetup('prepare', true); // a lesson that needs its setup on a fresh lab too
  await client.reset();
  await until('the third warm-up', () => scripts.length === 6);
  assert.deepEqual(scripts.slice(3), ['prepare', 'prepare', 'warm']);
});

test("once warmed up, the next reset's worker is started and idles; the reset takes it, and a spare that failed to load is replaced", async () => {
  const machine = fakeMachine();
  const { client, workers, sent } = labWith(machine, { spareWorker: true, warmUpScript: 'warm' });
  await client.start();
  await until('the spare', () => workers.length === 2);
  assert.equal(sent('start').length, 1, 'the spare starts no machine before a reset');
  assert.equal(workers[1].posted.length, 0, 'the spare idles');
  await client.reset();
  assert.equal(workers[0].terminated, true);
  assert.equal(workers[1].posted.filter((m) => m.type === 'start').length, 1, 'the reset restored in the spare');
  await until('the next spare', () => workers.length === 3);
  workers[2].crash('script failed to load');
  await turn();
  await client.reset();
  assert.equal(workers[2].terminated, true, 'a failed spare is dropped');
  assert.equal(workers[3].posted.filter((m) => m.type === 'start').length, 1, 'the reset started a new worker instead');
  assert.equal(status(), 'ready');
  await until('the warm-up after it, and its spare', () => workers.length === 5);
});

test('a worker prepared as the page renders is the one the start uses; preparing again, or after the start, makes none', async () => {
  const machine = fakeMachine();
  const { client, workers, sent } = labWith(machine);
  client.prepareWorker();
  client.prepareWorker();
  assert.equal(workers.length, 1);
  await client.start();
  assert.equal(workers.length, 1, 'the start took the prepared worker');
  assert.equal(sent('start').length, 1);
  client.prepareWorker();
  assert.equal(workers.length, 1);
  assert.equal(status(), 'ready');
});

test('warmedUp (what holds back the service worker) is false from a start or reset until its warm-up ends, failed or not', async () => {
  let release: (r: { exitCode: number; stdout: string; stderr: string; durationMs: number }) => void = () => {};
  const machine = fakeMachine({ run: (script) => (script === 'warm' ? new Promise((res) => (release = res)) : ok()) });
  const { client } = labWith(machine, { warmUpScript: 'warm' });
  useLabStore.getState().set({ warmedUp: true }); // as the last page left it
  const starting = client.start();
  assert.equal(useLabStore.getState().warmedUp, false);
  await starting;
  assert.equal(status(), 'ready');
  await turn();
  assert.equal(useLabStore.getState().warmedUp, false, 'ready, still warming up');
  release({ exitCode: 0, stdout: '', stderr: '', durationMs: 1 });
  await until('warmed up', () => useLabStore.getState().warmedUp);
  const resetting = client.reset();
  assert.equal(useLabStore.getState().warmedUp, false);
  await resetting;
  await turn();
  assert.equal(useLabStore.getState().warmedUp, false);
  release({ exitCode: 1, stdout: '', stderr: 'no such file', durationMs: 1 });
  await until('warmed up after the reset, though its warm-up failed', () => useLabStore.getState().warmedUp);

  const none = labWith(fakeMachine(), { warmUpScript: '' });
  await none.client.reset();
  await until('no warm-up: warmed up once ready', () => useLabStore.getState().warmedUp);
});

test('the default warm-up reads the container tools at the lowest priority and starts nothing', async () => {
  const { WARM_UP_SCRIPT } = await import('./warm-up.ts');
  assert.match(WARM_UP_SCRIPT, /^nice -n 19 cat /);
  for (const tool of ['/usr/bin/ctr', '/usr/bin/containerd', '/usr/bin/containerd-shim-runc-v2', '/usr/sbin/runc']) assert.ok(WARM_UP_SCRIPT.includes(tool), tool);
  assert.doesNotMatch(WARM_UP_SCRIPT, /ctr run|ctr c|crictl|systemctl/);
});

test('a reset is a new worker restoring the snapshot: the old one is stopped, the terminal size is told again', async () => {
  let starts = 0;
  const sizes: string[] = [];
  const machine = fakeMachine({ start: async () => void starts++, resizeConsole: (c, r) => void sizes.push(`${c}x${r}`) });
  const lab = labWith(machine);
  await lab.client.start();
  lab.client.resize(100, 30);
  await until('the size to reach the machine', () => sizes.length === 1);
  const first = lab.workers[0];
  await lab.client.reset();
  assert.equal(lab.workers.length, 2);
  assert.ok(first.terminated, 'the old worker (and its emulator) is gone');
  assert.equal(starts, 2);
  assert.deepEqual(lab.worker.posted.map((m) => m.type).slice(0, 2), ['resize', 'start']);
  await until('the size to reach the new machine', () => sizes.length === 2);
  assert.deepEqual(sizes, ['100x30', '100x30']);
  assert.equal(status(), 'ready');
});

test('a command running when the lab is reset fails at once, saying so', async () => {
  const machine = fakeMachine({ run: () => new Promise<ExecResult>(() => {}) });
  const { client } = labWith(machine);
  await client.start();
  const running = assert.rejects(client.exec('sleep 100'), (e: RemoteLabError) => {
    assert.equal(e.code, 'machine-reset');
    assert.match(e.message, /cut short because the lab was reset/);
    return true;
  });
  await turn();
  await client.reset();
  await running;
});

test('two resets at once: one new worker, both callers get its outcome', async () => {
  let starts = 0;
  const machine = fakeMachine({ start: async () => void starts++ });
  const { client, sent } = labWith(machine);
  await client.start();
  const first = client.reset();
  const second = client.reset();
  assert.equal(first, second);
  await Promise.all([first, second]);
  assert.equal(sent('start').length, 2);
  assert.equal(starts, 2);
  assert.equal(status(), 'ready');
  await client.reset(); // a later reset is a new one
  assert.equal(sent('start').length, 3);
});

test('reset clears hung; a hang reported while resetting neither shows nor makes the lab ready early', async () => {
  let finishReset!: () => void;
  let starts = 0;
  const machine = fakeMachine({
    start: () => {
      if (++starts === 1) return Promise.resolve();
      // A machine restoring may report a hang (a slow first answer) and then its recovery, both
      // before it is ready.
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
  const lab = labWith(fakeMachine({ start: () => new Promise(() => {}) }), { startTimeoutMs: 40 });
  const { client } = lab;
  const waiting = client.whenReady();
  await client.start();
  const { worker } = lab;
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
  let starts = 0;
  const lab = labWith(fakeMachine({ start: () => (++starts === 1 ? Promise.resolve() : new Promise(() => {})) }), { resetTimeoutMs: 40 });
  const { client } = lab;
  await client.start();
  await client.reset();
  assert.equal(status(), 'error');
  assert.equal(useLabStore.getState().error?.code, 'reset-timeout');
  assert.match(useLabStore.getState().error?.message ?? '', /did not come back within 0\.04 s/);
  assert.ok(lab.worker.terminated);
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
  await client.reset(); // a new worker restores the snapshot
  assert.equal(status(), 'ready');
  assert.equal(reloads, 0);
});

test('a crashed worker fails what waits on it, and Reset reloads', async () => {
  const lab = labWith(fakeMachine({ run: () => new Promise<ExecResult>(() => {}) }));
  const { client } = lab;
  await client.start();
  const { worker } = lab;
  const pending = client.exec('sleep 1');
  worker.crash('out of memory');
  await assert.rejects(pending, /The lab machine stopped: out of memory/);
  assert.equal(status(), 'error');
  assert.equal(useLabStore.getState().error?.code, 'worker-crashed');
  await client.reset();
  assert.equal(reloads, 1);
});
