// Small shims v86 needs in a bundled Web Worker. The bundler defines `process`, so v86 takes its
// Node branch for yielding to the event loop (global.setImmediate). Give it a real, unclamped
// setImmediate (a MessageChannel round trip; setTimeout(0) would clamp to 4 ms and slow the CPU).
// Imported before v86 so it is in place when v86's module runs.
const g = globalThis as unknown as Record<string, unknown>;
g.global ??= globalThis;
if (typeof g.setImmediate !== 'function') {
  const queue: Array<() => void> = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = () => queue.shift()?.();
  g.setImmediate = (fn: (...args: unknown[]) => void, ...args: unknown[]) => {
    queue.push(() => fn(...args));
    channel.port2.postMessage(0);
  };
}
export {};
