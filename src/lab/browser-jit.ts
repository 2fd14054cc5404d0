// v86's JIT setting in the page. Chosen from Chromium's figures (bench/browser.ts), not Node's:
// V8 compiles v86's generated wasm modules differently in a page, and a tuning chosen in Node
// made the page about 3x slower than no JIT at all.
import type { JitTuning } from '../vm/index.ts';

export const BROWSER_JIT: boolean | JitTuning = false;
