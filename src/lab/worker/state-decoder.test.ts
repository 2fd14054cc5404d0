import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { decodeState } from './state-decoder.ts';

const wasmPath = createRequire(import.meta.url).resolve('v86/build/v86.wasm');

test('decodeState: v86 decoder, in an instance of its own, returns what zstd compressed (as the image builder runs it)', async () => {
  // Compressible and not: runs of zeros (a guest's free pages) and pseudo-random bytes, 3 MiB.
  const raw = new Uint8Array(3 << 20);
  let x = 12345;
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    raw[i] = (i >> 16) % 3 === 0 ? 0 : x >>> 24;
  }
  const compressed = execFileSync('zstd', ['-q', '-19', '--long=25', '-c'], { input: raw, maxBuffer: 64 << 20 });
  assert.ok(compressed.length < raw.length);
  const module = await WebAssembly.compile(readFileSync(wasmPath));
  const out = new Uint8Array(raw.length);
  let at = 0;
  let pieces = 0;
  for (const piece of decodeState(module, new Uint8Array(compressed), raw.length, 1_000_000)) {
    out.set(piece, at);
    at += piece.length;
    pieces++;
  }
  assert.equal(at, raw.length);
  assert.equal(pieces, Math.ceil(raw.length / 1_000_000));
  assert.ok(Buffer.from(out).equals(Buffer.from(raw)));
});
