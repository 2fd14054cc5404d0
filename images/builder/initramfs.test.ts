import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrder, newcArchive } from './initramfs.ts';

const DEP = `kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/netfs/netfs.ko
kernel/net/9p/9pnet.ko:
kernel/fs/netfs/netfs.ko:
kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko
kernel/drivers/virtio/virtio.ko:
kernel/drivers/virtio/virtio_ring.ko:
`;

test('modules load after their dependencies, each once', () => {
  const order = loadOrder(DEP, ['9pnet_virtio', '9p']);
  assert.equal(new Set(order).size, order.length);
  const at = (m: string) => order.findIndex((p) => p.endsWith(`/${m}.ko`));
  assert.ok(at('9pnet') < at('9pnet_virtio') && at('virtio') < at('9pnet_virtio') && at('virtio_ring') < at('9pnet_virtio'));
  assert.ok(at('netfs') < at('9p') && at('9pnet') < at('9p'));
  assert.throws(() => loadOrder(DEP, ['nope']), /nope is not in this kernel/);
});

test('newc archive: headers, names, links and 4-byte alignment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpio-'));
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'init'), '#!/bin/sh\n');
  symlinkSync('busybox', join(dir, 'bin/sh'));
  const a = newcArchive(dir);
  const entries: Array<{ name: string; mode: number; data: string }> = [];
  let off = 0;
  for (;;) {
    assert.equal(a.toString('ascii', off, off + 6), '070701');
    const field = (i: number) => parseInt(a.toString('ascii', off + 6 + i * 8, off + 14 + i * 8), 16);
    const size = field(6);
    const nameSize = field(11);
    const name = a.toString('ascii', off + 110, off + 110 + nameSize - 1);
    let p = off + 110 + nameSize;
    p += (4 - (p % 4)) % 4;
    entries.push({ name, mode: field(1), data: a.toString('utf8', p, p + size) });
    p += size;
    p += (4 - (p % 4)) % 4;
    off = p;
    if (name === 'TRAILER!!!') break;
  }
  assert.equal(off, a.length);
  assert.deepEqual(entries.map((e) => e.name), ['bin', 'bin/sh', 'init', 'TRAILER!!!']);
  assert.equal(entries[1].data, 'busybox');
  assert.equal(entries[1].mode & 0o170000, 0o120000);
  assert.equal(entries[2].data, '#!/bin/sh\n');
});
