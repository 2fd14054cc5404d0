import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileCache } from './file-cache.ts';

// A stand-in with the shape of v86's ServerFileStorageWrapper.
function fakeStorage() {
  const filedata = new Map<string, Uint8Array>();
  const loads: string[] = [];
  const s = {
    storage: { filedata },
    async load_from_server(sha: string, size: number) {
      loads.push(sha);
      const d = new Uint8Array(size);
      filedata.set(sha, d);
      return d;
    },
    uncache(sha: string) {
      filedata.delete(sha);
    },
  };
  return { s, filedata, loads };
}

test('closed files stay cached up to the budget, oldest dropped first', async () => {
  const { s, filedata } = fakeStorage();
  const cache = new FileCache(s, 250);
  await s.load_from_server('a', 100);
  await s.load_from_server('b', 100);
  s.uncache('a');
  s.uncache('b');
  assert.ok(filedata.has('a') && filedata.has('b'));
  await s.load_from_server('c', 100);
  s.uncache('c');
  assert.ok(!filedata.has('a'), 'oldest evicted');
  assert.ok(filedata.has('b') && filedata.has('c'));
  assert.equal(cache.stats().cachedBytes, 200);
});

test('a reused file moves to the young end', async () => {
  const { s, filedata } = fakeStorage();
  new FileCache(s, 250);
  for (const x of ['a', 'b']) {
    await s.load_from_server(x, 100);
    s.uncache(x);
  }
  s.uncache('a'); // closed again: now the youngest
  await s.load_from_server('c', 100);
  s.uncache('c');
  assert.ok(filedata.has('a') && !filedata.has('b'));
});

test('counts bytes read in total and unique', async () => {
  const { s } = fakeStorage();
  const cache = new FileCache(s, 0);
  await s.load_from_server('a', 10);
  s.uncache('a');
  await s.load_from_server('a', 10);
  await s.load_from_server('b', 5);
  assert.deepEqual(cache.stats(), { bytesRead: 25, uniqueBytes: 15, filesRead: 3, cachedBytes: 0 });
});

test('a new cache inherits what the previous one kept (a reset makes a new emulator)', async () => {
  const a = fakeStorage();
  const first = new FileCache(a.s, 250);
  await a.s.load_from_server('x', 100);
  a.s.uncache('x');
  const b = fakeStorage();
  const second = new FileCache(b.s, 250);
  second.inherit(first);
  assert.ok(b.filedata.has('x'));
  assert.equal(second.stats().cachedBytes, 100);
});
