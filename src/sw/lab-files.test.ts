import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allLabFiles, contentHashedName, isContentHashedName, isImmutableLabPath, labImageBytes, storedFsFiles } from './lab-files.ts';
import type { Manifest } from '../vm/manifest.ts';

const SHA = 'ab12cd34ef56ab78' + '0'.repeat(48);
const H = SHA.slice(0, 16);

test('a content-hashed name keeps the stem and every extension', () => {
  assert.equal(contentHashedName('state.bin.zst', SHA), `state.${H}.bin.zst`);
  assert.equal(contentHashedName('v86.wasm', SHA), `v86.${H}.wasm`);
  assert.equal(contentHashedName('vmlinuz', SHA), `vmlinuz.${H}`);
  assert.equal(contentHashedName('sub/fs.json', SHA), `sub/fs.${H}.json`);
});

test('a name that already carries its hash is left as it is, one carrying another hash is not', () => {
  const once = contentHashedName('state.bin.zst', SHA);
  assert.equal(contentHashedName(once, SHA), once);
  assert.ok(isContentHashedName(once, SHA));
  const other = 'ffff' + SHA.slice(4);
  assert.equal(isContentHashedName(once, other), false);
  assert.equal(contentHashedName(once, other), `state.ffff${H.slice(4)}.${H}.bin.zst`);
});

test('a name cannot be hashed without a real sha256', () => {
  assert.throws(() => contentHashedName('state.bin.zst', ''), /state\.bin\.zst: "" is not a sha256/);
  assert.throws(() => contentHashedName('state.bin.zst', 'XYZ'), /not a sha256/);
});

test('only content-addressed lab paths are immutable; the manifest is not', () => {
  assert.ok(isImmutableLabPath(`/vm/state.${H}.bin.zst`));
  assert.ok(isImmutableLabPath(`/vm/vmlinuz.${H}`));
  assert.ok(isImmutableLabPath(`/vm/fs/${SHA}`));
  assert.ok(isImmutableLabPath(`/vm/fs/${SHA}.zst`));
  assert.equal(isImmutableLabPath('/vm/manifest.json'), false);
  assert.equal(isImmutableLabPath('/vm/state.bin.zst'), false, 'an unhashed name can change under the same URL');
  assert.equal(isImmutableLabPath('/vm/fs/not-a-hash'), false);
  assert.equal(isImmutableLabPath(`/en/state.${H}.bin.zst`), false, 'outside /vm/');
  assert.equal(isImmutableLabPath(`/vm/sub/state.${H}.bin.zst`), false);
});

const fsJson = {
  version: 3,
  fsroot: [
    ['bin', 7, 0, 0o120777, 0, 0, 'usr/bin'],
    ['etc', 4096, 0, 0o040755, 0, 0, [
      ['a', 10, 0, 0o100644, 0, 0, 'aaa'],
      ['b', 9000, 0, 0o100644, 0, 0, 'bbb.zst'],
      ['same-as-a', 10, 0, 0o100644, 0, 0, 'aaa'],
      ['empty-dir', 4096, 0, 0o040755, 0, 0, []],
    ]],
    ['c', 3, 0, 0o100755, 0, 0, 'ccc'],
  ],
} as unknown as Parameters<typeof storedFsFiles>[0];

test("fs.json's regular files are listed once each; symlinks and folders are not files", () => {
  assert.deepEqual(storedFsFiles(fsJson).sort(), ['aaa', 'bbb.zst', 'ccc']);
  assert.throws(() => storedFsFiles({} as never), /no "fsroot" list/);
});

test('the whole image is the manifest files plus every 9p file, and its size is theirs plus the 9p store', () => {
  const file = (name: string, size: number) => ({ name, size, sha256: SHA });
  const manifest = {
    files: { wasm: file('v86.x.wasm', 10), bios: file('bios.x.bin', 20), vgaBios: file('vga.x.bin', 30), kernel: file('k', 40), initrd: file('i', 50), fsJson: file('fs.x.json', 60), state: { ...file('state.x.bin.zst', 70), rawSize: 700 } },
    fsDir: 'fs',
    fs: { storedBytes: 1000 },
  } as unknown as Manifest;
  const files = allLabFiles(manifest, fsJson);
  assert.equal(files.length, 7 + 3);
  assert.deepEqual(files.filter((f) => f.path.startsWith('fs/')).map((f) => f.path).sort(), ['fs/aaa', 'fs/bbb.zst', 'fs/ccc']);
  assert.equal(labImageBytes(manifest), 10 + 20 + 30 + 40 + 50 + 60 + 70 + 1000);
});
