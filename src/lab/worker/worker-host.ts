// The worker side of the protocol, apart from v86 itself, so tests can drive it with a fake machine.
import type { ExecOptions, ExecResult, LabEvents } from '../../vm/index.ts';
import { toWireError, type FromWorker, type ToWorker } from '../protocol.ts';

/** What the host needs of a LabMachine. */
export interface MachineLike {
  events: { on<K extends keyof LabEvents>(event: K, fn: (payload: LabEvents[K]) => void): () => void };
  start(): Promise<void>;
  exec(script: string, opts?: ExecOptions): Promise<ExecResult>;
  destroy(): Promise<void>;
  onConsole(fn: (bytes: Uint8Array) => void, replay?: boolean): () => void;
  writeConsole(data: Uint8Array): void;
  resizeConsole(cols: number, rows: number): void;
}

export interface Port {
  postMessage(msg: FromWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', fn: (e: MessageEvent<ToWorker>) => void): void;
}

const EVENTS: Array<keyof LabEvents> = ['progress', 'restoring', 'running', 'booted', 'ready', 'hung', 'recovered', 'crashed'];

export function serveLab(port: Port, create: (base: string, jit?: string) => MachineLike): void {
  let machine: MachineLike | undefined;
  // The driver's console calls need a running emulator; until then keystrokes are dropped.
  let running = false;
  let size: { cols: number; rows: number } | undefined;
  const reply = (id: number, work: () => Promise<unknown>) =>
    Promise.resolve().then(work).then(
      (value) => port.postMessage({ type: 'reply', id, ok: true, value: value ?? null }),
      (e) => port.postMessage({ type: 'reply', id, ok: false, error: toWireError(e) }),
    );
  const need = () => {
    if (!machine) throw Object.assign(new Error('The lab has not been started.'), { code: 'not-started', hint: 'Reload the page.' });
    return machine;
  };

  // The console goes to the page, and takes its keys, from the moment the emulator runs: a restored
  // shell prints its prompt before the agent has answered (or once the start ends, for a machine
  // that does not say when it runs).
  const attachConsole = (m: MachineLike) => {
    if (running || machine !== m) return;
    running = true;
    m.onConsole((bytes) => port.postMessage({ type: 'console-out', bytes }), true);
    if (size) m.resizeConsole(size.cols, size.rows);
  };

  port.addEventListener('message', ({ data: msg }) => {
    switch (msg.type) {
      case 'start':
        return void reply(msg.id, async () => {
          if (machine) return; // one machine per worker: a second start (React dev remount) is a no-op
          const m = create(msg.base, msg.jit);
          machine = m;
          for (const event of EVENTS) m.events.on(event, (payload) => port.postMessage({ type: 'event', event, payload } as FromWorker));
          m.events.on('running', () => attachConsole(m));
          try {
            await m.start();
          } catch (e) {
            machine = undefined;
            running = false;
            throw e;
          }
          attachConsole(m);
        });
      case 'exec':
        return void reply(msg.id, () => need().exec(msg.script, { timeout: msg.timeout }));
      case 'destroy':
        return void reply(msg.id, async () => {
          running = false;
          await machine?.destroy();
          machine = undefined;
        });
      case 'console-in':
        if (running) machine?.writeConsole(msg.data);
        return;
      case 'resize':
        size = { cols: msg.cols, rows: msg.rows };
        if (running) machine?.resizeConsole(msg.cols, msg.rows);
        return;
    }
  });
}
