// Small helpers shared by the image build steps: running host commands, hashing, logging.
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const IMAGES = join(REPO, 'images');
/** Where the finished image goes; LAB_VM_DIR moves it (and the driver reads it from there too). */
export const OUT = process.env.LAB_VM_DIR ?? join(REPO, 'public', 'vm');

/** The build cache lives outside the repo so a fresh clone on the same machine rebuilds quickly. */
export function cacheRoot(): string {
  const dir = process.env.RUNTIME_LAB_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'runtime-lab');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export class BuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildError';
  }
}

const t0 = Date.now();
export function log(msg: string): void {
  const s = ((Date.now() - t0) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[lab:image ${s}s] ${msg}\n`);
}
export function warn(msg: string): void {
  process.stdout.write(`[lab:image] NOTE: ${msg}\n`);
}

/** Run a command, fail with its stderr if it exits non-zero; returns stdout. */
export function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, ...opts });
  if (r.error) throw new BuildError(`could not start ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    const err = String(r.stderr ?? '').trim().split('\n').slice(-15).join('\n');
    throw new BuildError(`${cmd} ${args.join(' ').slice(0, 300)} exited ${r.status}:\n${err}`);
  }
  return String(r.stdout ?? '');
}

/** Run a shell pipeline (bash -o pipefail). */
export function bash(script: string, opts: SpawnSyncOptions = {}): string {
  return run('bash', ['-o', 'pipefail', '-ec', script], opts);
}

/** Run a command asynchronously (for parallel work), rejecting on failure. */
export function runAsync(cmd: string, args: string[], cwd?: string): Promise<void> {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', rej);
    p.on('close', (code) => (code === 0 ? res() : rej(new BuildError(`${cmd} exited ${code}: ${err.trim()}`))));
  });
}

export function sha256File(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('end', () => res(h.digest('hex')))
      .on('error', rej);
  });
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export { existsSync };
