'use client';
// The page's handle on the lab: one worker per page, its replies and events turned into store
// updates, console bytes fanned out to the terminal, and the lesson's setup run at the right times.
import type { ExecResult } from '../vm/index.ts';
import { Requests, type FromWorker, type ReplyValue, type Request, type ToWorker } from './protocol.ts';
import { useLabStore } from './lab-store.ts';

/** Where the static site serves the machine's files. */
export const VM_BASE = '/vm/';

type ConsoleListener = (bytes: Uint8Array) => void;

class LabClient {
  private worker?: Worker;
  private requests = new Requests();
  private consoleListeners = new Set<ConsoleListener>();
  private setupScript: string | undefined;
  private started?: Promise<void>;
  /** The worker holds a machine (started, not lost with a crashed worker): reset can restore it. */
  private hasMachine = false;
  private readyWaiters: Array<() => void> = [];
  private sawPrompt = false;

  /** Start the machine once per page; later calls return the same promise. */
  start(): Promise<void> {
    return (this.started ??= this.boot());
  }

  private async boot(): Promise<void> {
    const lab = useLabStore.getState();
    if (typeof WebAssembly === 'undefined') {
      lab.set({ status: 'error', error: { code: 'no-wasm', message: 'This browser cannot run WebAssembly, which the lab machine needs.', hint: 'Use a current Chrome, Firefox, Edge or Safari, and make sure WebAssembly is not disabled by a policy or extension.' } });
      return;
    }
    if (typeof Worker === 'undefined') {
      lab.set({ status: 'error', error: { code: 'no-worker', message: 'This browser cannot run Web Workers, which the lab machine runs in.', hint: 'Use a current browser.' } });
      return;
    }
    lab.set({ status: 'downloading', error: null });
    const worker = new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module', name: 'lab-machine' });
    this.worker = worker;
    worker.addEventListener('message', (e: MessageEvent<FromWorker>) => this.onMessage(e.data));
    worker.addEventListener('error', (e) => {
      const error = { name: 'Error', code: 'worker-crashed', message: `The lab machine stopped: ${e.message || 'its worker crashed'}.`, hint: 'Reload the page.' };
      this.hasMachine = false;
      this.requests.failAll(error);
      useLabStore.getState().set({ status: 'error', error });
    });
    try {
      // ?lab-jit=off|lab|v86|<pages>,<blocks> picks v86's JIT setting: the benchmark compares them in this page.
      const jit = new URLSearchParams(location.search).get('lab-jit') ?? undefined;
      await this.ask<'start'>({ type: 'start', base: new URL(VM_BASE, location.href).href, jit });
      this.hasMachine = true;
      await this.afterReady();
    } catch (e) {
      const err = e as { message: string; hint?: string; code?: string };
      useLabStore.getState().set({ status: 'error', error: { message: err.message, hint: err.hint, code: err.code } });
    }
  }

  private ask<T extends Request['type']>(req: Omit<Extract<Request, { type: T }>, 'id'>): Promise<ReplyValue[T]> {
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
        if (!this.sawPrompt && lab.status === 'ready') this.markPrompt();
        for (const fn of this.consoleListeners) fn(msg.bytes);
        return;
      case 'event':
        switch (msg.event) {
          case 'progress':
            lab.set({ progress: { loaded: msg.payload.loaded, total: msg.payload.total } });
            return;
          case 'restoring':
            if (lab.status !== 'resetting') lab.set({ status: 'restoring' });
            return;
          case 'hung':
            lab.set({ status: 'hung' });
            return;
          case 'recovered':
            lab.set({ status: 'ready' });
            return;
          case 'crashed':
            lab.set({ status: 'error', error: msg.payload });
            return;
          default:
            return; // booted/ready: the start and reset replies say the same, in order with setup
        }
    }
  }

  private markPrompt(): void {
    this.sawPrompt = true;
    useLabStore.getState().set({ promptAtMs: Math.round(performance.now()) });
  }

  private async afterReady(): Promise<void> {
    await this.runSetup();
    useLabStore.getState().set({ status: 'ready', error: null });
    // The restored shell already printed its prompt before the page listened: nudge it to print one.
    this.writeConsole('\r');
    for (const w of this.readyWaiters.splice(0)) w();
  }

  /** The lesson's setup script, run now if the lab is up and again after every reset. */
  async setLessonSetup(script: string | undefined): Promise<void> {
    const changed = script !== this.setupScript;
    this.setupScript = script;
    if (changed && useLabStore.getState().status === 'ready') await this.runSetup();
  }

  private async runSetup(): Promise<void> {
    if (!this.setupScript) return;
    const r = await this.ask<'exec'>({ type: 'exec', script: this.setupScript, timeout: 180_000 }).catch((e: Error) => ({ exitCode: -1, stdout: '', stderr: e.message }));
    if (r.exitCode !== 0) console.warn(`lesson setup exited ${r.exitCode}: ${r.stderr}`);
  }

  /** Resolves once the machine is ready (right away if it is). */
  whenReady(): Promise<void> {
    if (useLabStore.getState().status === 'ready') return Promise.resolve();
    return new Promise((res) => this.readyWaiters.push(res));
  }

  exec(script: string, timeout = 120_000): Promise<ExecResult> {
    return this.ask<'exec'>({ type: 'exec', script, timeout });
  }

  async reset(): Promise<void> {
    // Without a machine there is nothing to reset to: start over. Otherwise (a crashed emulator
    // included) the worker restores the snapshot it already holds.
    if (!this.hasMachine) {
      location.reload();
      return;
    }
    useLabStore.getState().set({ status: 'resetting' });
    for (const fn of this.resetListeners) fn();
    try {
      await this.ask<'reset'>({ type: 'reset' });
      await this.afterReady();
    } catch (e) {
      const err = e as { message: string; hint?: string; code?: string };
      useLabStore.getState().set({ status: 'error', error: { message: err.message, hint: err.hint, code: err.code } });
    }
  }

  private resetListeners = new Set<() => void>();
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
    this.post({ type: 'resize', cols, rows });
  }

  /** Types a command into the learner's terminal and presses Enter, as if they had. */
  type(command: string): void {
    this.writeConsole(command.replace(/\r?\n/g, '\r') + '\r');
  }
}

export const lab = new LabClient();
