// v86's JIT setting in the page, chosen from Chromium's figures (bench/browser.ts), not Node's.
// Measured with Chromium 150 on a 2-core machine, `ctr run --rm busybox echo` typed in the console
// after a restore, first / second / third:
//   JIT off                        11.0 / 8.8 / 8.6 s and 12.5 / 9.2 / 11.4 s (two runs)
//   1-page modules (LAB_JIT, 1,10) 28-33 / 22-25 / 21 s
//   2,100                          35 / 33 / 35 s;  v86's own 3,250: 44 / 38 / 32 s;  4,500: 48 / 47 / 40 s
//   any of them compiled synchronously (in place of v86's WebAssembly.instantiate): the lab was not
//   ready after 300 s
// Every JIT setting is 3-4x slower than none in the page, and stays so run after run, while in
// Node (an older V8) the same JIT is ~1.3-2x faster than none: decide here from the browser.
import type { JitTuning } from '../../vm/index.ts';

export const BROWSER_JIT: boolean | JitTuning = false;
