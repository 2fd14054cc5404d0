// Decompresses the lab's snapshot (zstd) with the decoder built into v86's own WebAssembly module,
// in an instance of its own: run in a short-lived worker (state-unpack.worker.ts), the decoder's
// memory (the whole compressed input plus its window) goes away with that worker. Decoded inside
// the emulator, as v86 does when handed a compressed state, those ~40 MB stay in the emulator's
// WebAssembly memory, which never shrinks, for as long as the lab runs.

interface ZstdExports {
  memory: WebAssembly.Memory;
  zstd_create_ctx(srcLength: number): number;
  zstd_get_src_ptr(ctx: number): number;
  zstd_read(ctx: number, length: number): number;
  zstd_read_free(ptr: number, length: number): void;
  zstd_free_ctx(ctx: number): void;
}

/** v86's module instantiated for its decoder only: any other import it calls is a bug, said so. */
function decoder(module: WebAssembly.Module): ZstdExports {
  const env: Record<string, unknown> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind === 'function') {
      env[imp.name] = () => {
        throw new Error(`v86's snapshot decoder called ${imp.name}, which only the emulator provides`);
      };
    } else if (imp.kind === 'table') {
      env[imp.name] = new WebAssembly.Table({ element: 'anyfunc', initial: 1024 });
    }
  }
  const exports = new WebAssembly.Instance(module, { env: env as WebAssembly.ModuleImports }).exports as unknown as ZstdExports;
  if (typeof exports.zstd_create_ctx !== 'function') throw new Error('this v86 build has no zstd decoder');
  return exports;
}

/**
 * The raw snapshot, `rawSize` bytes, piece by piece: each piece is a view into the decoder's memory,
 * valid until the next is asked for (copy it out before).
 */
export function* decodeState(module: WebAssembly.Module, compressed: Uint8Array, rawSize: number, pieceSize = 1 << 20): Generator<Uint8Array> {
  const z = decoder(module);
  const ctx = z.zstd_create_ctx(compressed.length);
  new Uint8Array(z.memory.buffer, z.zstd_get_src_ptr(ctx) >>> 0, compressed.length).set(compressed);
  try {
    for (let at = 0; at < rawSize; at += pieceSize) {
      const n = Math.min(pieceSize, rawSize - at);
      const ptr = z.zstd_read(ctx, n) >>> 0;
      try {
        // The memory may have grown during the read: a fresh view each time.
        yield new Uint8Array(z.memory.buffer, ptr, n);
      } finally {
        z.zstd_read_free(ptr, n);
      }
    }
  } finally {
    z.zstd_free_ctx(ctx);
  }
}
