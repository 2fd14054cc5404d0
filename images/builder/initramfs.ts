// The initramfs: busybox-static from the guest's packages, the modules the 9p root needs (with
// their dependencies, in load order) and a small init script.
import { copyFileSync, readFileSync, rmSync, writeFileSync, chmodSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BuildError, IMAGES, ensureDir } from './util.ts';

/** Modules needed before the root exists: virtio transport, 9p, and the learner's console. */
export const INITRAMFS_MODULES = ['virtio_pci', '9pnet_virtio', '9p', 'virtio_console'];

/** Resolve modules.dep into a load order where every module follows its dependencies. */
export function loadOrder(modulesDep: string, wanted: string[]): string[] {
  const deps = new Map<string, string[]>();
  for (const line of modulesDep.split('\n')) {
    const [mod, rest] = line.split(':');
    if (!mod) continue;
    deps.set(mod.trim(), (rest ?? '').trim().split(/\s+/).filter(Boolean));
  }
  const byName = new Map<string, string>();
  for (const path of deps.keys()) byName.set(basename(path).replace(/\.ko(\.\w+)?$/, '').replace(/-/g, '_'), path);
  const order: string[] = [];
  const visit = (path: string) => {
    if (order.includes(path)) return;
    for (const d of deps.get(path) ?? []) visit(d);
    order.push(path);
  };
  for (const name of wanted) {
    const path = byName.get(name.replace(/-/g, '_'));
    if (!path) throw new BuildError(`kernel module ${name} is not in this kernel's modules.dep`);
    visit(path);
  }
  return order;
}

export function buildInitramfs(root: string, kernelVersion: string, modulesDep: string, work: string, out: string): void {
  const dir = join(work, 'initramfs');
  rmSync(dir, { recursive: true, force: true });
  for (const d of ['bin', 'dev', 'proc', 'sys', 'newroot', 'modules']) ensureDir(join(dir, d));
  copyFileSync(join(root, 'usr/bin/busybox'), join(dir, 'bin/busybox'));
  chmodSync(join(dir, 'bin/busybox'), 0o755);
  const modRoot = join(root, 'usr/lib/modules', kernelVersion);
  const order = loadOrder(modulesDep, INITRAMFS_MODULES);
  for (const rel of order) copyFileSync(join(modRoot, rel), join(dir, 'modules', basename(rel)));
  writeFileSync(join(dir, 'modules/load-order'), order.map((r) => basename(r)).join('\n') + '\n');
  copyFileSync(join(IMAGES, 'initramfs/init'), join(dir, 'init'));
  chmodSync(join(dir, 'init'), 0o755);
  writeFileSync(out, gzipSync(newcArchive(dir), { level: 9 }));
}

/** A cpio "newc" archive of a folder (what the kernel unpacks as an initramfs), owned by root. */
export function newcArchive(dir: string): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);
  const entry = (name: string, mode: number, data: Buffer) => {
    const nameBuf = Buffer.from(name + '\0');
    const fields = [ino++, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBuf.length, 0];
    const header = Buffer.from('070701' + fields.map((f) => f.toString(16).padStart(8, '0')).join(''));
    parts.push(header, nameBuf, pad4(header.length + nameBuf.length), data, pad4(data.length));
  };
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, r));
      if (st.isSymbolicLink()) entry(r, st.mode, Buffer.from(readlinkSync(join(dir, r))));
      else if (st.isDirectory()) {
        entry(r, st.mode, Buffer.alloc(0));
        walk(r);
      } else entry(r, st.mode, readFileSync(join(dir, r)));
    }
  };
  walk('');
  entry('TRAILER!!!', 0, Buffer.alloc(0));
  return Buffer.concat(parts);
}
