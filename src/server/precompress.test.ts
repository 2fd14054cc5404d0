import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { brotliDecompressSync } from 'node:zlib';
import { precompressFolder } from './precompress.ts';

function site(): string {
  const root = mkdtempSync(join(tmpdir(), 'precompress-'));
  mkdirSync(join(root, 'vm', 'fs'), { recursive: true });
  mkdirSync(join(root, '_next'), { recursive: true });
  const script = 'export function hello(name) { return `hello ${name}`; }\n'.repeat(400);
  writeFileSync(join(root, '_next', 'app.js'), script);
  writeFileSync(join(root, 'vm', 'v86.wasm'), Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.alloc(64 * 1024)]));
  writeFileSync(join(root, 'vm', 'state.bin.zst'), Buffer.alloc(64 * 1024)); // compressed already: left alone
  writeFileSync(join(root, 'vm', 'fs', 'abc'), script); // the guest's files: left alone
  writeFileSync(join(root, 'random.json'), randomBytes(8 * 1024)); // does not shrink: no sibling
  writeFileSync(join(root, 'tiny.html'), '<p>hi</p>'); // too small to be worth a sibling
  return root;
}

test('writes brotli siblings that decode to the same bytes, only where they pay', async () => {
  const root = site();
  try {
    const r = await precompressFolder(root);
    assert.equal(r.files, 2);
    assert.ok(r.bytesAfter < r.bytesBefore / 10, `${r.bytesAfter} of ${r.bytesBefore}`);
    for (const f of ['_next/app.js', 'vm/v86.wasm']) {
      assert.deepEqual(brotliDecompressSync(readFileSync(join(root, `${f}.br`))), readFileSync(join(root, f)), f);
    }
    for (const f of ['vm/state.bin.zst', 'vm/fs/abc', 'random.json', 'tiny.html']) assert.equal(existsSync(join(root, `${f}.br`)), false, f);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a rebuild removes siblings whose file is gone or changed beyond compressing, and refreshes the others', async () => {
  const root = site();
  try {
    await precompressFolder(root);
    rmSync(join(root, 'vm', 'v86.wasm'));
    writeFileSync(join(root, '_next', 'app.js'), randomBytes(4096));
    writeFileSync(join(root, 'page.html'), '<main>lesson</main>\n'.repeat(200));
    writeFileSync(join(root, 'old.css.br'), 'stale');
    await precompressFolder(root);
    assert.equal(existsSync(join(root, 'vm', 'v86.wasm.br')), false, 'sibling of a removed file');
    assert.equal(existsSync(join(root, '_next', 'app.js.br')), false, 'sibling of a file that no longer compresses');
    assert.equal(existsSync(join(root, 'old.css.br')), false, 'orphan sibling');
    assert.equal(brotliDecompressSync(readFileSync(join(root, 'page.html.br'))).toString(), '<main>lesson</main>\n'.repeat(200));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
