// For tests: a lab worker in memory. What the client posts reaches serveLab (the real worker's side
// of the protocol) driving a fake machine, and back; each hop waits a turn, as between threads.
import { Emitter } from '../vm/events.ts';
import type { ExecResult, LabEvents } from '../vm/index.ts';
import type { LabWorker } from './lab-client.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { serveLab, type MachineLike, type Port } from './worker/worker-host.ts';

export type FakeMachine = MachineLike & { events: Emitter<LabEvents> };

/** A machine that starts at once and runs every script with `run` (exit 0 by default). */
export function fakeMachine(overrides: Partial<Omit<MachineLike, 'events'>> & { run?: (script: string) => ExecResult | Promise<ExecResult> } = {}): FakeMachine {
  const events = new Emitter<LabEvents>();
  const { run = () => ok(), ...rest } = overrides;
  return {
    events,
    start: async () => {
      events.emit('progress', { loaded: 10, total: 10, file: 'state.bin.zst' });
      events.emit('ready', { ms: 1 });
    },
    exec: async (script) => run(script),
    destroy: async () => {},
    onConsole: () => () => {},
    writeConsole: () => {},
    resizeConsole: () => {},
    ...rest,
  };
}

export const ok = (stdout = ''): ExecResult => ({ exitCode: 0, stdout, stderr: '', durationMs: 1 });

export interface FakeWorker extends LabWorker {
  /** Every message the page posted, in order. */
  readonly posted: ToWorker[];
  readonly terminated: boolean;
  /** The worker itself dies (an uncaught error in it). */
  crash(message: string): void;
}

export function fakeWorker(machine: MachineLike): FakeWorker {
  const toPage: Array<(e: MessageEvent<FromWorker>) => void> = [];
  const onError: Array<(e: ErrorEvent) => void> = [];
  const toWorker: Array<(e: MessageEvent<ToWorker>) => void> = [];
  const posted: ToWorker[] = [];
  let terminated = false;
  const later = (fn: () => void) => setImmediate(() => terminated || fn());
  const port: Port = {
    postMessage: (msg) => later(() => toPage.forEach((fn) => fn({ data: msg } as MessageEvent<FromWorker>))),
    addEventListener: (_type, fn) => toWorker.push(fn),
  };
  serveLab(port, () => machine);
  return {
    posted,
    get terminated() {
      return terminated;
    },
    postMessage: (msg: ToWorker) => {
      posted.push(msg);
      later(() => toWorker.forEach((fn) => fn({ data: msg } as MessageEvent<ToWorker>)));
    },
    addEventListener: (type: 'message' | 'error', fn: (e: never) => void) => {
      if (type === 'message') toPage.push(fn as (e: MessageEvent<FromWorker>) => void);
      else onError.push(fn as (e: ErrorEvent) => void);
    },
    terminate: () => {
      terminated = true;
    },
    crash: (message) => later(() => onError.forEach((fn) => fn({ message } as ErrorEvent))),
  };
}
