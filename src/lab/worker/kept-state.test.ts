import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepStateWriter, keptStateFolder, readKeptState, type Folder } from './kept-state.ts';
import { fakeSnapshot } from '../../vm/snapshot-layout.fixture.ts';
import { packedMemoryRange, unreadPages } from '../../vm/snapshot-layout.ts';

/** An in-memory private file system with the browser's locking: one read-write handle, or read-only ones. */
function memoryFolder(opts: { quota?: number } = {}) {
  const files = new Map<string, Uint8Array>();
  const locks = new Map<string, 'exclusive' | number>();
  const notFound = () => Object.assign(new Error('not found'), { name: 'NotFoundError' });
  const folder: Folder = {
    async getFileHandle(name, options) {
      if (!files.has(name)) {
        if (!options?.create) throw notFound();
        files.set(name, new Uint8Array(0));
      }
      return {
        async createSyncAccessHandle(o) {
          const held = locks.get(name);
          const shared = o?.mode === 'read-only';
          if (held === 'exclusive' || (held !== undefined && !shared)) throw Object.assign(new Error('locked'), { name: 'NoModificationAllowedError' });
          locks.set(name, shared ? ((held as number | undefined) ?? 0) + 1 : 'exclusive');
          let open = true;
          const need = () => {
            if (!open) throw new Error('closed');
          };
          return {
            read(into, { at }) {
              need();
              const data = files.get(name)!;
              const n = Math.max(0, Math.min(into.length, data.length - at));
              into.set(data.subarray(at, at + n));
              return n;
            },
            write(from, { at }) {
              need();
              if (shared) throw new Error('read-only');
              if (opts.quota !== undefined && at + from.length > opts.quota) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
              let data = files.get(name)!;
              if (at + from.length > data.length) {
                const bigger = new Uint8Array(at + from.length);
                bigger.set(data);
                data = bigger;
              }
              data.set(from, at);
              files.set(name, data);
              return from.length;
            },
            getSize: () => files.get(name)!.length,
            truncate(size) {
              files.set(name, files.get(name)!.slice(0, size));
            },
            flush() {},
            close() {
              if (!open) return;
              open = false;
              const now = locks.get(name);
              if (now === 'exclusive' || now === 1) locks.delete(name);
              else locks.set(name, (now as number) - 1);
            },
          };
        },
      };
    },
    async getDirectoryHandle() {
      return folder;
    },
    async removeEntry(name) {
      if (!files.has(name)) throw notFound();
      if (locks.has(name)) throw Object.assign(new Error('in use'), { name: 'NoModificationAllowedError' });
      files.delete(name);
    },
    async *keys() {
      yield* [...files.keys()];
    },
  };
  return { folder, files };
}

const SHA = 'a'.repeat(64);
const RAW = new Uint8Array(Array.from({ length: 1000 }, (_, i) => (i * 7) & 255));

async function keep(folder: Folder, sha = SHA, raw = RAW, { digestMatched = true, pieces = 3 } = {}) {
  const w = await keepStateWriter(folder, sha, raw.length);
  assert.ok(w, 'a writer');
  const size = Math.ceil(raw.length / pieces);
  for (let at = 0; at < raw.length; at += size) w.write(raw.subarray(at, at + size));
  await w.finish(digestMatched);
}

test('kept state: a whole copy, written in pieces, reads back byte for byte under its digest', async () => {
  const { folder, files } = memoryFolder();
  assert.equal(await readKeptState(folder, SHA, RAW.length), undefined, 'nothing kept yet');
  await keep(folder);
  assert.deepEqual([...files.keys()].sort(), [`${SHA}.done`, `${SHA}.raw`]);
  const back = await readKeptState(folder, SHA, RAW.length);
  assert.ok(back);
  assert.deepEqual(new Uint8Array(back), RAW);
  assert.equal(await readKeptState(folder, 'b'.repeat(64), RAW.length), undefined, "another build's digest");
  assert.equal(await readKeptState(folder, SHA, RAW.length + 1), undefined, 'another size than the manifest says');
  assert.equal(await keepStateWriter(folder, SHA, RAW.length), undefined, 'kept already: not written twice');
});

test("kept state: a v86 snapshot comes back without the guest's pages, which are read from the file on demand until it is let go", async () => {
  const { folder, files } = memoryFolder();
  const pagesIn = new Uint8Array(5 * 4096).map((_, i) => (i * 13 + 1) & 255);
  const { bytes } = fakeSnapshot([new Uint8Array(40).fill(7), pagesIn, new Uint8Array(9).fill(9)]);
  const raw = new Uint8Array(bytes);
  await keep(folder, SHA, raw);
  const back = await readKeptState(folder, SHA, raw.length);
  assert.ok(back);
  const memory = packedMemoryRange(back)!;
  const got = new Uint8Array(back);
  assert.ok(got.subarray(memory.offset, memory.offset + memory.length).every((b) => b === 0), 'the pages were not read');
  got.set(pagesIn, memory.offset);
  assert.deepEqual(got, raw, 'everything else was');

  const pages = unreadPages(back)!;
  const into = new Uint8Array(2 * 4096);
  pages.read(into, memory.offset + 3 * 4096);
  assert.deepEqual(into, pagesIn.subarray(3 * 4096));
  await assert.doesNotReject(readKeptState(folder, SHA, raw.length).then((b) => b && unreadPages(b)?.close()), 'another tab reads it meanwhile');
  pages.close();
  assert.throws(() => pages.read(into, memory.offset), 'let go of');

  // A file that turned out short is not trusted again: its mark goes.
  const second = unreadPages((await readKeptState(folder, SHA, raw.length))!)!;
  files.set(`${SHA}.raw`, raw.slice(0, memory.offset + 4096));
  assert.throws(() => second.read(into, memory.offset + 4096), /could not be read whole/);
  second.close();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(files.has(`${SHA}.done`), false);
});

test('kept state: a copy is not marked whole when its digest did not match, bytes are missing, or a write failed', async () => {
  const mismatch = memoryFolder();
  await keep(mismatch.folder, SHA, RAW, { digestMatched: false });
  assert.deepEqual([...mismatch.files.keys()], [], 'removed');
  assert.equal(await readKeptState(mismatch.folder, SHA, RAW.length), undefined);

  const short = memoryFolder();
  const w = await keepStateWriter(short.folder, SHA, RAW.length);
  w!.write(RAW.subarray(0, 600));
  await w!.finish(true);
  assert.deepEqual([...short.files.keys()], []);

  const full = memoryFolder({ quota: 500 });
  await keep(full.folder);
  assert.deepEqual([...full.files.keys()], [], 'a device out of space keeps no half copy');
});

test('kept state: a copy being written (no mark yet) is never read; an unpack cut short leaves one that the next replaces', async () => {
  const { folder, files } = memoryFolder();
  const w = await keepStateWriter(folder, SHA, RAW.length);
  w!.write(RAW);
  assert.equal(await readKeptState(folder, SHA, RAW.length), undefined, 'no mark: not read');
  assert.equal(await keepStateWriter(folder, SHA, RAW.length), undefined, 'another tab writing the same bytes: it leaves them to it');
  await w!.finish(true);
  assert.ok(await readKeptState(folder, SHA, RAW.length));

  // A tab closed mid-write: the bytes stay without their mark, and the next unpack writes them anew.
  files.delete(`${SHA}.done`);
  files.set(`${SHA}.raw`, RAW.slice(0, 10));
  assert.equal(await readKeptState(folder, SHA, RAW.length), undefined);
  await keep(folder);
  assert.deepEqual(new Uint8Array((await readKeptState(folder, SHA, RAW.length))!), RAW);
});

test("kept state: keeping a new build's snapshot removes the old build's; two tabs can read one copy at once", async () => {
  const { folder, files } = memoryFolder();
  const OLD = 'c'.repeat(64);
  await keep(folder, OLD);
  await keep(folder);
  assert.deepEqual([...files.keys()].sort(), [`${SHA}.done`, `${SHA}.raw`]);
  const [a, b] = await Promise.all([readKeptState(folder, SHA, RAW.length), readKeptState(folder, SHA, RAW.length)]);
  assert.ok(a && b);
});

test('kept state: no folder where the browser has no private file system or refuses it', async () => {
  assert.equal(await keptStateFolder(undefined), undefined);
  assert.equal(await keptStateFolder({}), undefined);
  assert.equal(await keptStateFolder({ getDirectory: async () => Promise.reject(new Error('SecurityError')) }), undefined);
  const { folder } = memoryFolder();
  assert.equal(await keptStateFolder({ getDirectory: async () => folder }), folder);
});
