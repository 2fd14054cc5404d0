// A small typed event emitter that works the same in Node, a page and a Web Worker.

export interface LabEvents {
  /** Bytes of the machine's files fetched so far, against the total to fetch. */
  progress: { loaded: number; total: number; file: string };
  /** The emulator runs the restored state, or the kernel is booting. */
  restoring: void;
  /** The restored emulator runs: its console takes keys, though the agent has not answered yet. */
  running: void;
  /** The guest agent answered: a shell and commands work. */
  booted: { ms: number };
  /** containerd answers. */
  ready: { ms: number };
  /** The guest agent stopped answering. */
  hung: { silentMs: number };
  /** The guest agent answers again after a hang. */
  recovered: void;
  /** The emulator itself failed (a v86 panic): nothing runs until reset(). */
  crashed: { message: string; hint: string; code: string };
}

type Listener<T> = (payload: T) => void;

export class Emitter<E extends object> {
  private listeners = new Map<keyof E, Set<Listener<never>>>();
  on<K extends keyof E>(event: K, fn: Listener<E[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn as Listener<never>);
    return () => set!.delete(fn as Listener<never>);
  }
  emit<K extends keyof E>(event: K, payload: E[K]): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as Listener<E[K]>)(payload);
  }
}
