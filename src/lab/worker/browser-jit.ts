// v86's JIT setting in the page, chosen from Chromium's figures (bench/browser.ts), not Node's.
// Measured with Chromium 150 on a 2-core machine, `ctr run --rm busybox echo` typed in the console
// after a restore, first / second / third:
//   JIT off                        11.0 / 8.8 / 8.6 s and 12.5 / 9.2 / 11.4 s (two runs)
//   1-page modules (LAB_JIT, 1,10) 28-33 / 22-25 / 21 s
//   2,100                          35 / 33 / 35 s;  v86's own 3,250: 44 / 38 / 32 s;  4,500: 48 / 47 / 40 s
//   any of them compiled synchronously (in place of v86's WebAssembly.instantiate): the lab was not
//   ready after 300 s
// Every JIT setting is 3-4x slower than none in the page, and stays so run after run, while in
// Node the same JIT is ~1.3-2x faster than none: decide here from the browser.
// Why (2026-11-28, perf over the whole machine during a `ctr run`, JIT on): Chromium's three
// compiler threads took 59% of the samples and the emulator's worker 26%. A third of the compiler
// threads' time is the kernel: every compile frees its scratch memory back to the system
// (madvise DONTNEED: 33,700 calls in one run, ~36 per module), and each such call flushes the TLB of
// every core, which on this virtualised machine means interrupting the other core and waiting for it.
// It is not V8's version: Node 26 (V8 14.6, Chromium 150's generation) runs the same JIT 1.8x
// faster than none (settling a compile in 5 ms; Chromium 150 ms). V8 switches a page cannot set
// (--no-wasm-tier-up, --no-liftoff, --no-wasm-lazy-compilation, --single-threaded) did not help
// either; compiling 5x fewer modules (v86's hotness threshold 200,000 -> 1,000,000, patched into the
// wasm) halved the loss (23.5 / 14.3 / 15.5 s) but stayed behind no JIT (12.1 / 8.6 / 9.7 s).
import type { JitTuning } from '../../vm/index.ts';

export const BROWSER_JIT: boolean | JitTuning = false;
