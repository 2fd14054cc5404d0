import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AssetSource } from '../../vm/assets.ts';
import { LAB_CACHE } from '../../sw/lab-files.ts';
import { CachedAssets } from './cached-assets.ts';

const BASE = 'http://lab.test/vm/';
const STATE = `state.${'a'.repeat(16)}.bin.zst`;
const bytes = (s: string) => new TextEncoder().encode(s).buffer as ArrayBuffer;
const text = (b: ArrayBuffer) => new TextDecoder().decode(b);

function network(): AssetSource & { loads: string[] } {
  const loads: string[] = [];
  return {
    loads,
    manifest: async () => ({}) as never,
    locate: (name) => BASE + name,
    load: async (name) => {
      loads.push(name);
      return bytes(`network ${name}`);
    },
  };
}

function cacheStorage(entries: Record<string, string>, opened: string[] = []): CacheStorage {
  return {
    open: async (name: string) => {
      opened.push(name);
      return { match: async (url: string) => (url in entries ? new Response(entries[url]) : undefined) } as unknown as Cache;
    },
  } as CacheStorage;
}

test('a content-hashed file the service worker cached is read from its cache, not fetched', async () => {
  const net = network();
  const opened: string[] = [];
  const assets = new CachedAssets(net, cacheStorage({ [BASE + STATE]: 'cached state' }, opened));
  const progress: number[] = [];
  assert.equal(text(await assets.load(STATE, (n) => progress.push(n))), 'cached state');
  assert.deepEqual(net.loads, []);
  assert.deepEqual(opened, [LAB_CACHE]);
  assert.deepEqual(progress, ['cached state'.length], 'the progress bar still reaches the end');
});

test('a file not cached yet, a name that can change, or no cache at all: fetched as before', async () => {
  const net = network();
  const assets = new CachedAssets(net, cacheStorage({ [BASE + 'manifest.json']: 'stale' }));
  assert.equal(text(await assets.load(STATE)), `network ${STATE}`);
  assert.equal(text(await assets.load('manifest.json')), 'network manifest.json', 'only immutable names are taken from the cache');
  const noCache = new CachedAssets(net, undefined);
  assert.equal(text(await noCache.load(STATE)), `network ${STATE}`);
  const refusing = new CachedAssets(net, { open: async () => { throw new DOMException('denied', 'SecurityError'); } } as unknown as CacheStorage);
  assert.equal(text(await refusing.load(STATE)), `network ${STATE}`);
  assert.equal(net.loads.length, 4);
});
