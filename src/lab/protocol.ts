// Messages between the page and the lab worker. The page asks (start, exec, destroy) and gets one
// reply per request id (a reset is a new worker: lab-client.ts); the worker also pushes machine events and console bytes as they happen.
import type { ExecResult, LabEvents } from '../vm/index.ts';

export type Request =
  | { type: 'start'; id: number; base: string; /** JIT setting for measurements (parseJitSetting); the worker's default otherwise. */ jit?: string }
  | { type: 'exec'; id: number; script: string; timeout?: number }
  | { type: 'destroy'; id: number };

/** No reply expected: keystrokes and size changes must never wait on the machine. */
export type Notice = { type: 'console-in'; data: Uint8Array } | { type: 'resize'; cols: number; rows: number };

export type ToWorker = Request | Notice;

export interface WireError {
  name: string;
  message: string;
  /** LabError's advice and code survive the trip, so the page can offer the right action. */
  hint?: string;
  code?: string;
}

export type ReplyValue = { start: null; exec: ExecResult; destroy: null };

export type FromWorker =
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: WireError }
  | { [K in keyof LabEvents]: { type: 'event'; event: K; payload: LabEvents[K] } }[keyof LabEvents]
  | { type: 'console-out'; bytes: Uint8Array };

/** Errors do not survive structured cloning with their class and fields; this keeps what matters. */
export function toWireError(e: unknown): WireError {
  if (e instanceof Error) {
    const { hint, code } = e as Error & { hint?: unknown; code?: unknown };
    return { name: e.name, message: e.message, ...(typeof hint === 'string' ? { hint } : {}), ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(e) };
}

/** An Error on the page side carrying the worker's hint and code. */
export class RemoteLabError extends Error {
  readonly hint?: string;
  readonly code?: string;
  constructor(w: WireError) {
    super(w.message);
    this.name = w.name;
    this.hint = w.hint;
    this.code = w.code;
  }
}

/** Pairs requests with replies by id (the page side of the protocol). */
export class Requests {
  private nextId = 0;
  private waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  /** Builds a request with a fresh id and returns it with the promise of its reply. */
  open<T extends Request['type']>(req: Omit<Extract<Request, { type: T }>, 'id'>): { message: Request; reply: Promise<ReplyValue[T]> } {
    const id = ++this.nextId;
    const message = { ...req, id } as Request;
    const reply = new Promise<ReplyValue[T]>((resolve, reject) => this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    return { message, reply };
  }

  /** Settles the matching request; false when the reply matches none (already settled, or stray). */
  settle(msg: Extract<FromWorker, { type: 'reply' }>): boolean {
    const w = this.waiting.get(msg.id);
    if (!w) return false;
    this.waiting.delete(msg.id);
    if (msg.ok) w.resolve(msg.value);
    else w.reject(new RemoteLabError(msg.error));
    return true;
  }

  /** Fails everything still waiting (the worker died). */
  failAll(error: WireError): void {
    for (const w of this.waiting.values()) w.reject(new RemoteLabError(error));
    this.waiting.clear();
  }

  get size(): number {
    return this.waiting.size;
  }
}
