'use client';
// The page's handle on the lab: one worker at a time runs the machine (a reset replaces it, with a
// spare that has loaded its scripts already), its replies and events
// turned into store updates, console bytes fanned out to the terminal, and the lesson's setup run at
// the right times.
import type { ExecResult } from '../vm/index.ts';
import { LabError, MachineGoneError } from '../vm/errors.ts';
import { RemoteLabError, Requests, toWireError, type FromWorker, type ReplyValue, type Request, type ToWorker } from './protocol.ts';
import { useLabStore, type LabProblem, type SetupFailure } from './lab-store.ts';
import { PromptMarkScanner, type PromptMark } from './prompt-marks.ts';
import { WARM_UP_SCRIPT, WARM_UP_TIMEOUT_MS } from './warm-up.ts';

/** Where the static site serves the machine's files. */
export const VM_BASE = '/vm/';

/** Start's limit counts from the last downloaded bytes: a slow download that still moves goes on. */
export const START_TIMEOUT_MS = 5 * 60_000;
export const RESET_TIMEOUT_MS = 3 * 60_000;
const SETUP_TIMEOUT_MS = 180_000;

/** What the client needs of the Worker that runs the lab (tests pass a fake). */
export interface LabWorker {
  postMessage(msg: ToWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', fn: (e: MessageEvent<FromWorker>) => void): void;
  addEventListener(type: 'error', fn: (e: ErrorEvent) => void): void;
  terminate(): void;
}

export interface LabClientOptions {
  createWorker?: () => LabWorker;
  startTimeoutMs?: number;
  resetTimeoutMs?: number;
  /** Run in the background each time the lab is ready (warm-up.ts); '' for none. */
  warmUpScript?: string;
  /** Start the next reset's worker once the lab has warmed up (default true). */
  spareWorker?: boolean;
}

function createBrowserWorker(): LabWorker {
  if (typeof Worker === 'undefined') throw new LabError('This browser cannot run Web Workers, which the lab machine runs in.', 'Use a current browser.', 'no-worker');
  // The bundler finds the worker's entry by this `new Worker(new URL(..., import.meta.url))` shape.
  return new Worker(new URL('./worker/lab.worker.ts', import.meta.url), { type: 'module', name: 'lab-machine' });
}

const inWords = (ms: number) => (ms >= 60_000 ? `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}` : `${ms / 1000} s`);

const startTimedOut = (ms: number): LabProblem => ({
  code: 'start-timeout',
  params: { ms },
  message: `The lab machine did not finish starting: nothing happened for ${inWords(ms)}.`,
  hint: 'Check the connection (or the file server) and reload the page.',
});

const resetTimedOut = (ms: number): LabProblem => ({
  code: 'reset-timeout',
  params: { ms },
  message: `The lab did not come back within ${inWords(ms)} of the reset.`,
  hint: 'Reload the page to start a fresh machine (your lesson progress is kept).',
});

function toProblem(e: unknown): LabProblem {
  const err = e as { message?: string; hint?: string; code?: string };
  return { message: err?.message ?? String(e), hint: err?.hint, code: err?.code };
}

const toError = (problem: LabProblem) => new RemoteLabError({ name: 'LabError', ...problem });

type ConsoleListener = (bytes: Uint8Array) => void;
type ReadyWaiter = { resolve: () => void; reject: (e: Error) => void };

/** A command typed into the console ended: its exit status (null if unknown), when (performance.now()). */
export interface CommandEnd {
  exitCode: number | null;
  atMs: number;
}

export class LabClient {
  private readonly createWorker: () => LabWorker;
  private readonly startTimeoutMs: number;
  private readonly resetTimeoutMs: number;
  private readonly warmUpScript: string;
  private readonly useSpare: boolean;
  private worker?: LabWorker;
  /**
   * The next worker, idle until a start or a reset takes it: a worker's scripts take ~0.5 s to load
   * and run, which neither then waits for. The first is made as the lesson page renders, the next
   * reset's once the lab has warmed up.
   */
  private spare?: { worker: LabWorker; failed: boolean };
  private requests = new Requests();
  private consoleListeners = new Set<ConsoleListener>();
  private resetListeners = new Set<() => void>();
  private setupScript: string | undefined;
  /** False when a restored lab is already the lesson's start: no setup after a start or reset. */
  private setupOnRestore = true;
  private started?: Promise<void>;
  private resetting?: Promise<void>;
  /** The worker holds a machine (started, not lost with a crashed worker): reset can restore it. */
  private hasMachine = false;
  /** Bumped by start, each reset and each failure: a setup that ends after any of them must not declare the lab ready. */
  private run = 0;
  private readyWaiters: ReadyWaiter[] = [];
  private sawPrompt = false;
  /** The console has printed something (the prompt the worker asks for as it restores). */
  private consoleSpoke = false;
  /** The restored machine runs and its console takes keys (the agent may not have answered yet). */
  private consoleLive = false;
  /** The shell's prompt marks (OSC 133) in the console output: when a typed command ends. */
  private marks = new PromptMarkScanner((m) => this.onPromptMark(m));
  private commandEndWaiters = new Set<(end: CommandEnd | null) => void>();
  /** The terminal's size, for each new worker. */
  private size?: { cols: number; rows: number };
  /** Pushes the running start's time limit back (download progress). */
  private extendTimeLimit?: () => void;

  constructor(opts: LabClientOptions = {}) {
    this.createWorker = opts.createWorker ?? createBrowserWorker;
    this.startTimeoutMs = opts.startTimeoutMs ?? START_TIMEOUT_MS;
    this.resetTimeoutMs = opts.resetTimeoutMs ?? RESET_TIMEOUT_MS;
    // ?lab-warm=off: no warm-up (the benchmark measures with and without).
    const noWarmUp = typeof location !== 'undefined' && new URLSearchParams(location.search).get('lab-warm') === 'off';
    this.warmUpScript = opts.warmUpScript ?? (noWarmUp ? '' : WARM_UP_SCRIPT);
    this.useSpare = opts.spareWorker ?? true;
  }

  /** Start the machine once per page; later calls return the same promise. */
  start(): Promise<void> {
    return (this.started ??= this.boot());
  }

  private async boot(): Promise<void> {
    if (typeof WebAssembly === 'undefined') {
      this.fail({ code: 'no-wasm', message: 'This browser cannot run WebAssembly, which the lab machine needs.', hint: 'Use a current Chrome, Firefox, Edge or Safari, and make sure WebAssembly is not disabled by a policy or extension.' });
      return;
    }
    const run = ++this.run;
    this.consoleLive = false; // until the new machine says it runs
    try {
      this.openWorker();
      useLabStore.getState().set({ status: 'downloading', error: null, warmedUp: false });
      await this.withinTimeLimit(this.startMachine(), this.startTimeoutMs, startTimedOut(this.startTimeoutMs), { extendOnProgress: true });
      this.hasMachine = true;
      await this.afterReady(run);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Asks the current worker to start its machine from the snapshot. */
  private async startMachine(): Promise<void> {
    // ?lab-jit=off|lab|v86|<pages>,<blocks> picks v86's JIT setting: the benchmark compares them in this page.
    const jit = new URLSearchParams(location.search).get('lab-jit') ?? undefined;
    await this.ask<'start'>({ type: 'start', base: new URL(VM_BASE, location.href).href, jit });
  }

  private openWorker(): void {
    const spare = this.spare;
    this.spare = undefined;
    if (spare?.failed) spare.worker.terminate();
    const worker = spare && !spare.failed ? spare.worker : this.createWorker();
    this.worker = worker;
    worker.addEventListener('message', (e) => {
      if (this.worker === worker) this.onMessage(e.data);
    });
    worker.addEventListener('error', (e) => {
      if (this.worker !== worker) return;
      this.abandonWorker({ code: 'worker-crashed', message: `The lab machine stopped: ${e.message || 'its worker crashed'}.`, hint: 'Reload the page.' });
    });
  }

  /**
   * Starts the worker the lab will run in, so its scripts load while the page still hydrates (the
   * lesson page calls this as it renders; start() comes after, from an effect, and takes it).
   */
  prepareWorker(): void {
    if (!this.worker && !this.started && typeof WebAssembly !== 'undefined') this.makeSpare();
  }

  private prepareSpare(): void {
    if (this.useSpare && this.hasMachine) this.makeSpare();
  }

  private makeSpare(): void {
    if (this.spare) return;
    try {
      const spare = { worker: this.createWorker(), failed: false };
      // Its scripts failed to load: the reset that would have used it starts a new worker instead.
      spare.worker.addEventListener('error', () => (spare.failed = true));
      this.spare = spare;
    } catch {
      // No spare: a reset starts its worker itself, as it always could.
    }
  }

  /** The worker is of no more use (it crashed, or missed a time limit): stop it and fail all that waits on it. */
  private abandonWorker(problem: LabProblem): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.hasMachine = false; // so Reset reloads the page
    this.requests.failAll({ name: 'Error', ...problem });
    this.fail(problem);
  }

  /**
   * `work`, or a failure with `problem` once `ms` pass (without download progress, if
   * extendOnProgress). Then the worker is abandoned: whatever it still does, the page moved on.
   */
  private withinTimeLimit<T>(work: Promise<T>, ms: number, problem: LabProblem, { extendOnProgress = false } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settle = () => {
        settled = true;
        clearTimeout(timer);
        if (this.extendTimeLimit === arm) this.extendTimeLimit = undefined;
      };
      const arm = () => {
        if (settled) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          settle();
          this.abandonWorker(problem);
          reject(toError(problem));
        }, ms);
      };
      if (extendOnProgress) this.extendTimeLimit = arm;
      arm();
      work.then(
        (value) => {
          if (settled) return;
          settle();
          resolve(value);
        },
        (e) => {
          if (settled) return;
          settle();
          reject(e);
        },
      );
    });
  }

  private ask<T extends Request['type']>(req: Omit<Extract<Request, { type: T }>, 'id'>): Promise<ReplyValue[T]> {
    // Without a worker (it crashed or was given up on) nothing would ever reply.
    if (!this.worker) return Promise.reject(toError({ code: 'no-machine', message: 'The lab machine is not running.', hint: 'Reload the page.' }));
    const { message, reply } = this.requests.open<T>(req);
    this.post(message);
    return reply;
  }

  private post(msg: ToWorker, transfer: Transferable[] = []): void {
    this.worker?.postMessage(msg, transfer);
  }

  private onMessage(msg: FromWorker): void {
    const lab = useLabStore.getState();
    switch (msg.type) {
      case 'reply':
        this.requests.settle(msg);
        return;
      case 'console-out':
        this.consoleSpoke = true;
        if (!this.sawPrompt && (lab.status === 'ready' || this.promptBeforeReady())) this.markPrompt();
        this.marks.push(msg.bytes);
        for (const fn of this.consoleListeners) fn(msg.bytes);
        return;
      case 'event':
        switch (msg.event) {
          case 'progress':
            this.extendTimeLimit?.();
            lab.set({ progress: { loaded: msg.payload.loaded, total: msg.payload.total } });
            return;
          case 'restoring':
            if (lab.status !== 'resetting') lab.set({ status: 'restoring' });
            return;
          case 'running':
            this.consoleLive = true;
            return;
          case 'hung':
            // Only a running lab can hang: during a start or reset, their own time limits apply.
            if (lab.status === 'ready') lab.set({ status: 'hung' });
            return;
          case 'recovered':
            if (lab.status === 'hung') this.markReady();
            return;
          case 'crashed':
            this.fail(msg.payload);
            return;
          default:
            return; // booted/ready: the start and reset replies say the same, in order with setup
        }
    }
  }

  /** The one place the lab becomes ready (after start, after a reset, when a hung guest answers again). */
  private markReady(): void {
    useLabStore.getState().set({ status: 'ready', error: null });
    for (const w of this.readyWaiters.splice(0)) w.resolve();
  }

  /** The one place the lab fails: the error panel shows why, and so do the waiters' rejections. */
  private fail(e: unknown): void {
    const problem = toProblem(e);
    this.run++; // ends the start or reset under way: its setup, cut short, must not declare the lab ready
    useLabStore.getState().set({ status: 'error', error: problem });
    for (const w of this.readyWaiters.splice(0)) w.reject(toError(problem));
  }

  /**
   * A prompt the console prints once the machine runs is usable before the agent's first answer
   * makes the lab ready: keys typed go to the guest. Unless the lesson's setup must run first.
   */
  private promptBeforeReady(): boolean {
    return this.consoleLive && !(this.setupOnRestore && this.setupScript);
  }

  private markPrompt(): void {
    this.sawPrompt = true;
    useLabStore.getState().set({ promptAtMs: Math.round(performance.now()) });
  }

  private async afterReady(run: number): Promise<void> {
    // The machine was just restored: a setup that only undoes a learner's work has nothing to do.
    if (this.setupOnRestore) await this.runSetup();
    if (run !== this.run) return; // a reset began, or the lab failed, while the setup ran
    this.markReady();
    // The worker pressed Enter in the console as it restored (promptOnRestore): the prompt may be
    // there already; if not, its first output marks it.
    if (!this.sawPrompt && this.consoleSpoke) this.markPrompt();
    // Not awaited: the learner has the prompt. A reset ends it with its worker.
    const warmedUp = () => {
      if (run !== this.run) return;
      useLabStore.getState().set({ warmedUp: true });
      this.prepareSpare();
    };
    if (this.warmUpScript) this.exec(this.warmUpScript, WARM_UP_TIMEOUT_MS).then(warmedUp, warmedUp);
    else warmedUp();
  }

  /**
   * The lesson's setup script, run now if the lab is up, and after every start and reset unless
   * `onRestore` is false (a restored lab is already the lesson's start).
   */
  async setLessonSetup(script: string | undefined, onRestore = true): Promise<void> {
    this.setupOnRestore = onRestore;
    if (script === this.setupScript) return;
    this.setupScript = script;
    useLabStore.getState().set({ setupFailure: null }); // the last lesson's failure is not this one's
    if (useLabStore.getState().status === 'ready') await this.runSetup();
  }

  private async runSetup(): Promise<void> {
    const script = this.setupScript;
    useLabStore.getState().set({ setupFailure: null });
    if (!script) return;
    const failure = await this.ask<'exec'>({ type: 'exec', script, timeout: SETUP_TIMEOUT_MS }).then(
      (r): SetupFailure | null => (r.exitCode === 0 ? null : { exitCode: r.exitCode, output: [r.stdout, r.stderr].filter(Boolean).join('\n').trim() }),
      (e: Error): SetupFailure => ({ output: e.message }),
    );
    if (failure && script === this.setupScript) useLabStore.getState().set({ setupFailure: failure });
  }

  /** Resolves once the machine is ready (right away if it is); rejects if the lab fails first. */
  whenReady(): Promise<void> {
    const { status, error } = useLabStore.getState();
    if (status === 'ready') return Promise.resolve();
    if (status === 'error' && error) return Promise.reject(toError(error));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  exec(script: string, timeout = 120_000): Promise<ExecResult> {
    return this.ask<'exec'>({ type: 'exec', script, timeout });
  }

  /** Back to the snapshot, then the lesson's setup. A reset already under way is joined, not repeated. */
  reset(): Promise<void> {
    return (this.resetting ??= this.resetMachine().finally(() => (this.resetting = undefined)));
  }

  private async resetMachine(): Promise<void> {
    // Without a machine there is nothing to reset to: start over. Otherwise (a crashed emulator
    // included) a new worker restores the snapshot.
    if (!this.hasMachine) {
      location.reload();
      return;
    }
    const run = ++this.run;
    this.consoleLive = false; // until the new machine says it runs
    useLabStore.getState().set({ status: 'resetting', error: null, warmedUp: false });
    for (const fn of this.resetListeners) fn();
    // The console's shell is a new one: nothing typed before will end.
    for (const w of [...this.commandEndWaiters]) w(null);
    try {
      await this.withinTimeLimit(this.restartWorker(), this.resetTimeoutMs, resetTimedOut(this.resetTimeoutMs));
      await this.afterReady(run);
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * A reset is a new worker restoring the snapshot. The old worker goes at once, and with it the old
   * emulator: restored in the same worker, the old one's ~360 MB stayed until V8 collected it, so
   * the tab held two machines from the first reset on (Chromium: 812 MB after the restore, 1258 MB
   * after resets). The new worker reads the image's files from the cache.
   */
  private async restartWorker(): Promise<void> {
    const old = this.worker;
    this.worker = undefined;
    old?.terminate();
    this.requests.failAll(toWireError(new MachineGoneError('reset')));
    this.openWorker();
    if (this.size) this.post({ type: 'resize', ...this.size });
    await this.startMachine();
  }

  /** Called as a reset begins (the terminal clears itself). */
  onReset(fn: () => void): () => void {
    this.resetListeners.add(fn);
    return () => this.resetListeners.delete(fn);
  }

  onConsole(fn: ConsoleListener): () => void {
    this.consoleListeners.add(fn);
    return () => this.consoleListeners.delete(fn);
  }

  writeConsole(data: string): void {
    this.post({ type: 'console-in', data: new TextEncoder().encode(data) });
  }

  resize(cols: number, rows: number): void {
    this.size = { cols, rows }; // a new worker (a reset) is told again
    this.post({ type: 'resize', cols, rows });
  }

  /**
   * Types a command into the learner's terminal and presses Enter. As a bracketed paste, so the
   * shell takes the text as it is (a tab is a tab, not completion; several lines arrive whole).
   */
  type(command: string): void {
    this.writeConsole(`\x1b[200~${command}\x1b[201~\r`);
  }

  /**
   * The end of the next command in the console (its exit status), or null when none ends within
   * `timeoutMs` or the lab is reset first.
   */
  nextCommandEnd(timeoutMs: number): Promise<CommandEnd | null> {
    return new Promise((resolve) => {
      const done = (end: CommandEnd | null) => {
        clearTimeout(timer);
        this.commandEndWaiters.delete(done);
        resolve(end);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      this.commandEndWaiters.add(done);
    });
  }

  private onPromptMark(m: PromptMark): void {
    if (m.kind !== 'D') return;
    const end: CommandEnd = { exitCode: m.exitCode, atMs: performance.now() };
    useLabStore.getState().set({ lastCommandEndAtMs: Math.round(end.atMs) });
    for (const w of [...this.commandEndWaiters]) w(end);
  }
}

export const lab = new LabClient();
