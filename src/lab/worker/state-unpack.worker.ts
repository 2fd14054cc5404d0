// A short-lived worker that checks the snapshot's sha256 and decompresses it, then ends. Both
// leave memory behind in the thread that does them: WebCrypto holds the bytes it hashed until a
// garbage collection, and v86's decoder its WebAssembly memory for good (decoded inside the
// emulator, ~40 MB of it stay for as long as the lab runs). Here that memory goes with the worker.
//
// The raw snapshot goes back in pieces through one buffer that travels back and forth: a buffer
// that arrives by postMessage keeps its memory until a garbage collection even once the lab has
// detached it, so the lab copies each piece into a buffer of its own and sends this one back.
//
// Each piece is also written to the kept copy (kept-state.ts), marked whole once the digest is
// known to match; the worker then ends itself.
import { decodeState } from './state-decoder.ts';
import { keepStateWriter, keptStateFolder, type KeptStateWriter } from './kept-state.ts';
import { sha256Hex } from './sha256.ts';
import type { FromUnpacker, StateFile, ToUnpacker } from './state-unpack.ts';

const port = self as unknown as { onmessage: ((e: MessageEvent<ToUnpacker>) => void) | null; postMessage(m: FromUnpacker, transfer?: Transferable[]): void; close(): void };

const PIECE = 4 << 20;
let returned: ((piece: ArrayBuffer) => void) | undefined;

port.onmessage = ({ data }) => {
  if (data.type === 'piece-back') returned?.(data.piece);
  else void unpack(data.compressed, data.wasm, data.state);
};

async function unpack(compressed: ArrayBuffer, wasm: ArrayBuffer, state: StateFile): Promise<void> {
  let keep: KeptStateWriter | undefined;
  try {
    const digest = sha256Hex(compressed); // hashed on WebCrypto's thread while this one decodes
    const module = WebAssembly.compile(wasm);
    // Both are awaited below, after the writer: a failure meanwhile is not an unhandled one.
    for (const pending of [digest, module]) pending.catch(() => undefined);
    keep = await keptStateFolder().then((folder) => folder && keepStateWriter(folder, state.sha256, state.rawSize));
    let piece = new ArrayBuffer(PIECE);
    for (const view of decodeState(await module, new Uint8Array(compressed), state.rawSize, PIECE)) {
      new Uint8Array(piece).set(view);
      const back = new Promise<ArrayBuffer>((res) => (returned = res));
      port.postMessage({ type: 'piece', piece, length: view.length }, [piece]);
      keep?.write(view); // while the lab copies the piece: the view stays valid until the next one is decoded
      piece = await back;
    }
    const sha256 = await digest;
    port.postMessage({ type: 'done', sha256 });
    await keep?.finish(sha256 === state.sha256);
  } catch (e) {
    port.postMessage({ type: 'failed', error: e instanceof Error ? e.message : String(e) });
    await keep?.finish(false);
  }
  port.close();
}
