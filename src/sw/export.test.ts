import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { giveLabFilesHashedNames, labPrecacheEntries } from './export.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A small out/vm/ as the site build copies it: unhashed names, a manifest listing them. */
function fakeVm(): { dir: string; manifestText: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lab-export-test-'));
  const contents: Record<string, string> = { wasm: 'WASM', bios: 'BIOS', vgaBios: 'VGA', kernel: 'KERNEL', initrd: 'INITRD', fsJson: '{"fsroot":[]}', state: 'STATE' };
  const names: Record<string, string> = { wasm: 'v86.wasm', bios: 'bios.bin', vgaBios: 'vgabios.bin', kernel: 'vmlinuz', initrd: 'initrd.img', fsJson: 'fs.json', state: 'state.bin.zst' };
  const files: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(names)) {
    writeFileSync(join(dir, name), contents[key]);
    files[key] = { name, size: contents[key].length, sha256: sha(contents[key]) };
  }
  mkdirSync(join(dir, 'fs'));
  const manifestText = JSON.stringify({ format: 1, files, fsDir: 'fs/', fs: { storedBytes: 0 } });
  writeFileSync(join(dir, 'manifest.json'), manifestText);
  return { dir, manifestText };
}

test('every listed file gets its hashed name, the manifest follows, and the bytes are unchanged', () => {
  const { dir } = fakeVm();
  try {
    const manifest = giveLabFilesHashedNames(dir);
    const onDisk = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    assert.deepEqual(onDisk.files, manifest.files);
    for (const f of Object.values(manifest.files)) {
      assert.match(f.name, new RegExp(`\\.${f.sha256.slice(0, 16)}(\\.|$)`));
      assert.equal(sha(readFileSync(join(dir, f.name), 'utf8')), f.sha256);
    }
    assert.equal(manifest.files.state.name, `state.${sha('STATE').slice(0, 16)}.bin.zst`);
    assert.equal(existsSync(join(dir, 'state.bin.zst')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second run changes nothing', () => {
  const { dir } = fakeVm();
  try {
    const first = giveLabFilesHashedNames(dir);
    const listing = readdirSync(dir).sort();
    const second = giveLabFilesHashedNames(dir);
    assert.deepEqual(second, first);
    assert.deepEqual(readdirSync(dir).sort(), listing);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a manifest hard-linked elsewhere (the image build) keeps its own contents', () => {
  const { dir, manifestText } = fakeVm();
  const elsewhere = join(dir, '..', `${dir.split('/').pop()}-manifest-link.json`);
  try {
    linkSync(join(dir, 'manifest.json'), elsewhere);
    giveLabFilesHashedNames(dir);
    assert.equal(readFileSync(elsewhere, 'utf8'), manifestText);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(elsewhere, { force: true });
  }
});

test('a listed file that is missing stops the build with what to do', () => {
  const { dir } = fakeVm();
  try {
    rmSync(join(dir, 'state.bin.zst'));
    assert.throws(() => giveLabFilesHashedNames(dir), /state\.bin\.zst is missing: .*npm run lab:image/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the precache gets the manifest, revisioned by its content, and the hashed fs.json', () => {
  const { dir } = fakeVm();
  try {
    const manifest = giveLabFilesHashedNames(dir);
    const entries = labPrecacheEntries(dir, manifest);
    assert.deepEqual(entries[1], { url: `vm/${manifest.files.fsJson.name}`, revision: null });
    assert.equal(entries[0].url, 'vm/manifest.json');
    const before = entries[0].revision;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, builtAt: 'later' }));
    assert.notEqual(labPrecacheEntries(dir, manifest)[0].revision, before, 'a new manifest is a new precache revision');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
