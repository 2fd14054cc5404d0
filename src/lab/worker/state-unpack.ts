// The lab worker's side of state-unpack.worker.ts: hand it the compressed snapshot (moved, not
// copied) and v86's module bytes; get back the snapshot's sha256 and the raw snapshot, assembled
// here in a buffer of this worker's own, which the lab frees (detaches) once it has restored it.
// The unpacking worker also keeps the raw snapshot on this device (kept-state.ts), so the next
// visit or reset reads it from there (kept()) and starts no unpacking worker at all.
import type { Manifest } from '../../vm/manifest.ts';
import { keptStateFolder, readKeptState } from './kept-state.ts';

export type StateFile = Manifest['files']['state'];
export type ToUnpacker =
  | { type: 'unpack'; compressed: ArrayBuffer; wasm: ArrayBuffer; state: StateFile }
  | { type: 'piece-back'; piece: ArrayBuffer };
export type FromUnpacker =
  | { type: 'piece'; piece: ArrayBuffer; length: number }
  | { type: 'done'; sha256: string }
  | { type: 'failed'; error: string };

export interface StateUnpacker {
  /** The raw snapshot an earlier unpack kept on this device, or undefined. */
  kept(state: StateFile): Promise<ArrayBuffer | undefined>;
  unpack(compressed: ArrayBuffer, wasm: ArrayBuffer, state: StateFile): Promise<{ sha256: string; raw: ArrayBuffer }>;
}

/** The unpacking worker ends itself once its copy is flushed; this bounds it if it does not. */
const UNPACKER_LINGER_MS = 30_000;

/** Unpacks in a new worker, ended as soon as it is done; undefined where workers cannot start workers. */
export function workerUnpacker(): StateUnpacker | undefined {
  if (typeof Worker === 'undefined') return undefined;
  // Opened as the lab worker starts, while the manifest is fetched: on a first visit the browser
  // creates the origin's private file system, which took 0.2 s in Chromium here.
  const folder = keptStateFolder();
  return {
    kept: async (state) => {
      const opened = await folder;
      return opened && readKeptState(opened, state.sha256, state.rawSize);
    },
    unpack: (compressed, wasm, state) =>
      new Promise((resolve, reject) => {
        // The bundler finds the worker's entry by this `new Worker(new URL(..., import.meta.url))` shape.
        const worker = new Worker(new URL('./state-unpack.worker.ts', import.meta.url), { type: 'module', name: 'lab-state-unpack' });
        const send = (m: ToUnpacker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);
        const { rawSize } = state;
        const raw = new Uint8Array(rawSize);
        let at = 0;
        const fail = (why: string) => {
          worker.terminate();
          reject(new Error(why));
        };
        worker.onmessage = ({ data }: MessageEvent<FromUnpacker>) => {
          if (data.type === 'piece') {
            if (at + data.length > rawSize) return fail('the snapshot decoded to more bytes than the manifest says');
            raw.set(new Uint8Array(data.piece, 0, data.length), at);
            at += data.length;
            send({ type: 'piece-back', piece: data.piece }, [data.piece]);
          } else if (data.type === 'done') {
            // It still flushes its copy, then ends itself.
            setTimeout(() => worker.terminate(), UNPACKER_LINGER_MS);
            if (at !== rawSize) reject(new Error(`the snapshot decoded to ${at} bytes, the manifest says ${rawSize}`));
            else resolve({ sha256: data.sha256, raw: raw.buffer });
          } else {
            fail(data.error);
          }
        };
        worker.onerror = (e) => fail(e.message || 'the snapshot worker failed to start');
        send({ type: 'unpack', compressed, wasm, state }, [compressed]);
      }),
  };
}
