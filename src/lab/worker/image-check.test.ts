import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { AssetSource } from '../../vm/assets.ts';
import type { Manifest, ManifestFile } from '../../vm/manifest.ts';
import { StaleImageError, VerifiedAssets, checkFile, checkManifest } from './image-check.ts';
import type { StateUnpacker } from './state-unpack.ts';
import { sha256Hex, sha256Js } from './sha256.ts';

const V86 = '0.5.462+g5f9a90f';
const bytes = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;
const sha = (b: ArrayBuffer | Uint8Array) => createHash('sha256').update(new Uint8Array(b)).digest('hex');
const entry = (name: string, content: ArrayBuffer): ManifestFile => ({ name, size: content.byteLength, sha256: sha(content) });

const STATE = bytes('the saved machine');
const WASM = bytes('v86 itself');

function manifest(over: Partial<Manifest> = {}): Manifest {
  const f = entry('bios.bin', bytes('bios'));
  return {
    format: 1,
    v86Version: V86,
    files: { wasm: entry('v86.wasm', WASM), bios: f, vgaBios: f, kernel: f, initrd: f, fsJson: f, state: { ...entry('state.bin.zst', STATE), rawSize: 99 } },
    ...over,
  } as Manifest;
}

const isStale = (pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof StaleImageError);
  assert.equal(e.code, 'stale-image');
  assert.match(e.message, /^The lab files are from another build: reload the page\.\n/);
  assert.match(e.hint, /bypassing the cache/);
  assert.match(e.message, pattern);
  return true;
};

test('a manifest of this format, made with the same v86, is accepted', () => {
  checkManifest(manifest(), V86);
});

test('a manifest of another format, or made with another v86, is stale', () => {
  assert.throws(() => checkManifest(manifest({ format: 2 as 1 }), V86), isStale(/format 2; this page reads format 1/));
  assert.throws(() => checkManifest({} as Manifest, V86), isStale(/format undefined/));
  assert.throws(() => checkManifest(manifest({ v86Version: '0.5.400' }), V86), isStale(/made with v86 0\.5\.400; this page runs v86 0\.5\.462/));
});

test('file bytes are checked against the sha256 the manifest lists', async () => {
  const { state } = manifest().files;
  await checkFile(state, STATE);
  await assert.rejects(checkFile(state, bytes('a state from an older build')), isStale(/state\.bin\.zst does not match the lab manifest/));
});

test('VerifiedAssets: the matching files pass; a stale cached state fails before any restore', async () => {
  const served = new Map([['v86.wasm', WASM], ['state.bin.zst', STATE], ['fs/abc', bytes('not listed')]]);
  const source = (over: Partial<AssetSource> = {}): AssetSource => ({
    manifest: async () => manifest(),
    load: async (name) => served.get(name)!,
    locate: (name) => `http://localhost/vm/${name}`,
    ...over,
  });

  const good = new VerifiedAssets(source(), V86);
  await good.manifest();
  assert.equal(await good.load('state.bin.zst'), STATE);
  assert.equal(await good.load('v86.wasm'), WASM);
  assert.ok(await good.load('fs/abc')); // not in the manifest's list: nothing to compare with
  assert.equal(good.locate('fs/'), 'http://localhost/vm/fs/');

  const stale = new VerifiedAssets(source({ load: async () => bytes('an older state, from the HTTP cache') }), V86);
  await stale.manifest();
  await assert.rejects(stale.load('state.bin.zst'), isStale(/state\.bin\.zst/));

  const otherV86 = new VerifiedAssets(source(), '0.5.500');
  await assert.rejects(otherV86.manifest(), isStale(/this page runs v86 0\.5\.500/));
});

/** The lab's files as the server hands them, each load recorded: a fresh copy of the state each time (a worker may take it). */
function servedFiles(loads: string[] = []): AssetSource {
  return {
    manifest: async () => manifest(),
    load: async (name) => {
      loads.push(name);
      return name === 'state.bin.zst' ? STATE.slice(0) : WASM;
    },
    locate: (name) => `http://localhost/vm/${name}`,
  };
}

test('VerifiedAssets with an unpacker: the snapshot comes back raw, checked by its digest; v86 is loaded once', async () => {
  const RAW = bytes('the raw machine');
  const loads: string[] = [];
  const source = servedFiles(loads);
  const calls: Array<[number, ArrayBuffer, number]> = [];
  const unpacker = (digest: string): StateUnpacker => ({
    kept: async () => undefined,
    unpack: async (compressed, wasm, state) => {
      calls.push([compressed.byteLength, wasm, state.rawSize]);
      return { sha256: digest, raw: RAW };
    },
  });

  const good = new VerifiedAssets(source, V86, unpacker(sha(STATE)));
  await good.manifest();
  const [wasm, state] = await Promise.all([good.load('v86.wasm'), good.load('state.bin.zst')]);
  assert.equal(wasm, WASM);
  assert.equal(state, RAW);
  assert.deepEqual(calls, [[STATE.byteLength, WASM, 99]]);
  assert.deepEqual(loads.sort(), ['state.bin.zst', 'v86.wasm']);

  const stale = new VerifiedAssets(source, V86, unpacker('0'.repeat(64)));
  await stale.manifest();
  await assert.rejects(stale.load('state.bin.zst'), isStale(/state\.bin\.zst does not match/));
});

test('VerifiedAssets: when the unpacker fails, the compressed snapshot is checked here and handed on', async () => {
  const source = servedFiles();
  // As a worker that took the bytes (moved: detached here) and then failed.
  const failing: StateUnpacker = {
    kept: async () => undefined,
    unpack: async (compressed) => {
      structuredClone(compressed, { transfer: [compressed] });
      throw new Error('no decoder');
    },
  };
  const assets = new VerifiedAssets(source, V86, failing);
  await assets.manifest();
  const state = await assets.load('state.bin.zst');
  assert.deepEqual(new Uint8Array(state), new Uint8Array(STATE));
});

test('VerifiedAssets: a snapshot kept raw by an earlier unpack is handed on without reading the compressed one', async () => {
  const KEPT = bytes('the raw machine, kept');
  const loads: string[] = [];
  const asked: string[] = [];
  const source = servedFiles(loads);
  const keeping: StateUnpacker = {
    kept: async (state) => {
      asked.push(`${state.sha256}:${state.rawSize}`);
      return KEPT;
    },
    unpack: async () => assert.fail('a kept snapshot is not unpacked again'),
  };
  const assets = new VerifiedAssets(source, V86, keeping);
  await assets.manifest();
  const progress: number[] = [];
  assert.equal(await assets.load('state.bin.zst', (n) => progress.push(n)), KEPT);
  assert.deepEqual(asked, [`${sha(STATE)}:99`], 'asked for the copy named by the digest the manifest lists');
  assert.deepEqual(loads, [], 'the compressed snapshot was not read');
  assert.deepEqual(progress, [STATE.byteLength], "the progress bar counts the state's bytes as loaded");
});

test('sha256: crypto.subtle and the JavaScript fallback agree with node:crypto', async () => {
  // Lengths around the padding boundaries (55/56/64 bytes) and more than one block.
  for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003]) {
    const data = new Uint8Array(randomBytes(n));
    assert.equal(await sha256Hex(data), sha(data), `subtle, ${n} bytes`);
    assert.equal(Buffer.from(sha256Js(data)).toString('hex'), sha(data), `fallback, ${n} bytes`);
  }
  // A view into a larger buffer hashes only its own bytes.
  const big = new Uint8Array(randomBytes(300));
  assert.equal(Buffer.from(sha256Js(big.subarray(7, 207))).toString('hex'), sha(big.subarray(7, 207)));
});
