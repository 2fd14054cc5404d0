// The machine's files from a folder on disk (public/vm), for Node: tests, CLI, benchmark, builder.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AssetSource } from './assets.ts';
import { ImageMissingError } from './errors.ts';
import type { Manifest } from './manifest.ts';

export const DEFAULT_VM_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../public/vm');

export class DiskAssets implements AssetSource {
  constructor(readonly dir: string = process.env.LAB_VM_DIR ?? DEFAULT_VM_DIR) {}
  locate(name: string): string {
    return join(this.dir, name) + (name.endsWith('/') ? '/' : '');
  }
  async manifest(): Promise<Manifest> {
    const path = join(this.dir, 'manifest.json');
    if (!existsSync(path)) throw new ImageMissingError(path);
    return JSON.parse(await readFile(path, 'utf8'));
  }
  async load(name: string, onProgress?: (loaded: number) => void): Promise<ArrayBuffer> {
    const path = join(this.dir, name);
    if (!existsSync(path)) throw new ImageMissingError(path);
    const buf = await readFile(path);
    onProgress?.(buf.length);
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  }
}
