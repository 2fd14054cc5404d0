import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync, linkSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { precompressFolder } from './precompress.ts';

const SCRIPT = 'export function hello(name) { return `hello ${name}`; }\n'.repeat(400);

function site(): string {
  const root = mkdtempSync(join(tmpdir(), 'precompress-'));
  mkdirSync(join(root, 'vm', 'fs'), { recursive: true });
  mkdirSync(join(root, '_next'), { recursive: true });
  writeFileSync(join(root, '_next', 'app.js'), SCRIPT);
  writeFileSync(join(root, 'vm', 'v86.wasm'), Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.alloc(64 * 1024)]));
  writeFileSync(join(root, 'vm', 'state.bin.zst'), Buffer.alloc(64 * 1024)); // compressed already: left alone
  writeFileSync(join(root, 'vm', 'fs', 'abc'), SCRIPT); // the guest's files: left alone
  writeFileSync(join(root, 'random.json'), randomBytes(8 * 1024)); // does not shrink: no sibling
  writeFileSync(join(root, 'tiny.html'), '<p>hi</p>'); // too small to be worth a sibling
  return root;
}

test('writes brotli and gzip siblings that decode to the same bytes, only where they pay', async () => {
  const root = site();
  try {
    const r = await precompressFolder(root);
    assert.equal(r.files, 2);
    assert.equal(r.siblings, 4);
    assert.ok(r.bytesBrotli < r.bytesBefore / 10, `${r.bytesBrotli} of ${r.bytesBefore}`);
    for (const f of ['_next/app.js', 'vm/v86.wasm']) {
      assert.deepEqual(brotliDecompressSync(readFileSync(join(root, `${f}.br`))), readFileSync(join(root, f)), f);
      assert.deepEqual(gunzipSync(readFileSync(join(root, `${f}.gz`))), readFileSync(join(root, f)), f);
    }
    for (const f of ['vm/state.bin.zst', 'vm/fs/abc', 'random.json', 'tiny.html']) {
      for (const s of ['.br', '.gz']) assert.equal(existsSync(join(root, f + s)), false, f + s);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a rebuild removes siblings whose file is gone, changed or no longer worth it, and refreshes the others', async () => {
  const root = site();
  try {
    await precompressFolder(root);
    rmSync(join(root, 'vm', 'v86.wasm'));
    writeFileSync(join(root, '_next', 'app.js'), randomBytes(4096));
    // Changed after its siblings were written (mtime later), and still compressible.
    writeFileSync(join(root, 'page.html'), '<main>old</main>\n'.repeat(200));
    await precompressFolder(root);
    writeFileSync(join(root, 'page.html'), '<main>lesson</main>\n'.repeat(200));
    const later = new Date(Date.now() + 5000);
    utimesSync(join(root, 'page.html'), later, later);
    writeFileSync(join(root, 'old.css.br'), 'stale');
    await precompressFolder(root);
    assert.equal(existsSync(join(root, 'vm', 'v86.wasm.br')), false, 'sibling of a removed file');
    assert.equal(existsSync(join(root, '_next', 'app.js.gz')), false, 'sibling of a file that no longer compresses');
    assert.equal(existsSync(join(root, 'old.css.br')), false, 'orphan sibling');
    assert.equal(brotliDecompressSync(readFileSync(join(root, 'page.html.br'))).toString(), '<main>lesson</main>\n'.repeat(200));
    assert.equal(gunzipSync(readFileSync(join(root, 'page.html.gz'))).toString(), '<main>lesson</main>\n'.repeat(200));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("siblings newer than their file are kept, and a hard-linked copy's are never written through", async () => {
  const root = site();
  const copy = mkdtempSync(join(tmpdir(), 'precompress-copy-'));
  try {
    await precompressFolder(root);
    // As the workshop bundle places the site: hard links, siblings included.
    for (const f of ['_next/app.js', '_next/app.js.br', '_next/app.js.gz']) {
      mkdirSync(join(copy, '_next'), { recursive: true });
      linkSync(join(root, f), join(copy, f));
    }
    const before = statSync(join(root, '_next', 'app.js.br')).mtimeMs;
    const r = await precompressFolder(copy);
    assert.deepEqual([r.files, r.siblings], [1, 2]);
    assert.equal(statSync(join(root, '_next', 'app.js.br')).mtimeMs, before, 'kept, not rewritten');
    // The copy's file changes (a new inode): its new siblings must not land in the original folder.
    rmSync(join(copy, '_next', 'app.js'));
    writeFileSync(join(copy, '_next', 'app.js'), SCRIPT.replaceAll('hello', 'howdy'));
    const later = new Date(Date.now() + 5000);
    utimesSync(join(copy, '_next', 'app.js'), later, later);
    await precompressFolder(copy);
    assert.match(brotliDecompressSync(readFileSync(join(copy, '_next', 'app.js.br'))).toString(), /howdy/);
    assert.match(brotliDecompressSync(readFileSync(join(root, '_next', 'app.js.br'))).toString(), /hello/);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  }
});
