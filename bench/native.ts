// The benchmark's native baseline: the same versions of containerd, runc, crun and busybox-static as
// the lab image, but Debian sid's builds for the host's own architecture (amd64, arm64, ...), so the
// ratio compares this software on this CPU with the same software in the emulator; the host need not
// run i386 programs at all. The packages and their dependency closure are unpacked with
// `dpkg-deb --fsys-tarfile | tar -x`, never installed and with no maintainer script, into
// <cache>/bench-native/<key>/root (reused while the versions stay the same); bench/native.sh times
// the commands in a chroot of it. Prints one JSON line: { arch, from, versions, figures } or { error }.
//   usage: tsx bench/native.ts [--vm-dir <dir>]
import { spawnSync } from 'node:child_process';
import {
  chmodSync, copyFileSync, existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync,
  statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Apt, hostArch, preferSuite, setupApt } from '../images/builder/apt.ts';
import { goArch } from '../images/builder/crictl.ts';
import { buildImage, sourceVersion } from '../images/builder/oci.ts';
import { readLock } from '../images/builder/packages.ts';
import { BuildError, bash, cacheRoot, ensureDir, run, sha256, sha256File } from '../images/builder/util.ts';
import { DEFAULT_VM_DIR } from '../src/vm/node-assets.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const SUITE = 'sid';
/** What is timed: the same source versions as in the lab image. */
export const TIMED = ['containerd', 'runc', 'crun', 'busybox-static'] as const;
/** What bench/native.sh itself needs in the root (newest in sid; not timed). */
const TOOLS = ['bash', 'coreutils', 'jq', 'mount'];
/** Bump when the root's recipe changes, so cached roots are rebuilt. */
const RECIPE = 1;

export interface NativeInfo {
  /** The host's Debian architecture the binaries were built for. */
  arch: string;
  /** Where the wanted versions came from (the lab image's manifest, or the lock without an image). */
  from: string;
  /** The exact host-architecture versions used, for the timed packages. */
  versions: Record<string, string>;
  /** Every package unpacked into the root, name -> version. */
  packages?: Record<string, string>;
}
export type NativeResult = (NativeInfo & { figures: Record<string, number> }) | (Partial<NativeInfo> & { error: string });

class NativeError extends Error {}

/** The guest's versions of the timed packages: from the image being benchmarked, else from the lock. */
function wantedVersions(vmDir: string): { from: string; wanted: Record<string, string> } {
  const manifestPath = join(vmDir, 'manifest.json');
  let packages: Record<string, { version: string }>;
  let from: string;
  if (existsSync(manifestPath)) {
    packages = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { packages: Record<string, { version: string }> }).packages;
    from = `the lab image (${manifestPath})`;
  } else {
    packages = readLock().packages;
    from = 'images/packages.lock.json (no lab image built yet)';
  }
  const wanted: Record<string, string> = {};
  for (const name of TIMED) {
    const v = packages[name]?.version;
    if (!v) throw new NativeError(`${from} names no version of ${name}`);
    wanted[name] = v;
  }
  return { from, wanted };
}

/** Follow symlinks inside a tree as if it were / (absolute links stay in the tree); null if missing. */
export function resolveIn(root: string, path: string, depth = 0): string | null {
  if (depth > 40) return null;
  const parts = path.split('/').filter(Boolean);
  let at = '';
  for (let i = 0; i < parts.length; i++) {
    const p = join(root, at, parts[i]);
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return null;
    }
    if (st.isSymbolicLink()) {
      const target = readlinkSync(p);
      const rest = parts.slice(i + 1).join('/');
      const next = target.startsWith('/') ? target : join('/', at, target);
      return resolveIn(root, rest ? `${next}/${rest}` : next, depth + 1);
    }
    at = join(at, parts[i]);
  }
  return join(root, at);
}

/** A version of `name` in the suite for the apt's architecture built from the same source version. */
function sameSourceVersion(apt: Apt, name: string, guest: string): string {
  const available = apt
    .cache(['madison', name])
    .split('\n')
    .map((l) => l.split('|').map((s) => s.trim()))
    .filter((c) => c.length >= 3 && c[2].includes(` ${SUITE}/`))
    .map((c) => c[1]);
  const match = available.find((v) => sourceVersion(v) === sourceVersion(guest));
  if (!match) {
    throw new NativeError(
      `${name} ${sourceVersion(guest)} (the lab image's version) is not in Debian ${SUITE} for ${apt.arch} on this mirror` +
        (available.length ? ` (it has ${available.join(', ')})` : ' (no version at all)'),
    );
  }
  return match;
}

function closure(apt: Apt, pins: string[], names: string[]): Map<string, string> {
  preferSuite(apt, SUITE);
  let out: string;
  try {
    out = apt.get(['install', '-s', '--no-install-recommends', ...pins, ...names]);
  } catch (e) {
    throw new NativeError(`apt could not resolve ${[...pins, ...names].join(' ')} for ${apt.arch}: ${(e as Error).message.split('\n').slice(-2).join(' ')}`);
  }
  const result = new Map<string, string>();
  for (const m of out.matchAll(/^Inst (\S+) (?:\[\S+\] )?\((\S+) /gm)) result.set(m[1], m[2]);
  return result;
}

/** The .deb of each package: reused from this apt's or the image build's cache, else downloaded; sha256 checked. */
async function download(apt: Apt, pkgs: Map<string, string>, shared: string): Promise<string[]> {
  const debDir = ensureDir(join(apt.root, 'debs'));
  const files: string[] = [];
  const missing: Array<{ name: string; version: string; file: string; sha: string }> = [];
  for (const [name, version] of pkgs) {
    const rec = apt.cache(['show', `${name}=${version}`]).split(/\n\n/)[0];
    const field = (f: string) => new RegExp(`^${f}: (.+)$`, 'm').exec(rec)?.[1]?.trim() ?? '';
    const file = join(debDir, basename(field('Filename')));
    const sha = field('SHA256');
    files.push(file);
    if (!existsSync(file) && existsSync(join(shared, basename(file)))) copyFileSync(join(shared, basename(file)), file);
    if (existsSync(file) && (await sha256File(file)) === sha) continue;
    rmSync(file, { force: true });
    missing.push({ name, version, file, sha });
  }
  if (missing.length) {
    process.stderr.write(`bench: native: downloading ${missing.length} packages (${apt.arch})\n`);
    const tmp = ensureDir(join(apt.root, 'download'));
    for (const f of readdirSync(tmp)) rmSync(join(tmp, f));
    apt.get(['download', ...missing.map((p) => `${p.name}=${p.version}`)], tmp);
    for (const p of missing) {
      const got = readdirSync(tmp).find((f) => f.startsWith(`${p.name}_`) && f.endsWith('.deb'));
      if (!got) throw new NativeError(`apt download gave no file for ${p.name} ${p.version}`);
      renameSync(join(tmp, got), p.file);
      if ((await sha256File(p.file)) !== p.sha) {
        rmSync(p.file);
        throw new NativeError(`${basename(p.file)}: sha256 does not match the mirror's index`);
      }
    }
  }
  return files;
}

/** An OCI image of the host-architecture busybox-static: the binary and a link per applet. */
function busyboxImage(root: string, version: string, arch: string, work: string): void {
  const layer = join(work, 'busybox-layer');
  rmSync(layer, { recursive: true, force: true });
  ensureDir(join(layer, 'bin'));
  copyFileSync(join(root, 'usr/bin/busybox'), join(layer, 'bin/busybox'));
  chmodSync(join(layer, 'bin/busybox'), 0o755);
  // The host's own build, statically linked: it runs here.
  for (const a of run(join(layer, 'bin/busybox'), ['--list']).trim().split('\n'))
    if (a && a !== 'busybox' && !existsSync(join(layer, 'bin', a))) symlinkSync('busybox', join(layer, 'bin', a));
  for (const d of ['proc', 'sys', 'dev', 'tmp', 'root', 'run', 'home', 'usr', 'etc']) ensureDir(join(layer, d));
  chmodSync(join(layer, 'tmp'), 0o1777);
  writeFileSync(join(layer, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  writeFileSync(join(layer, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  writeFileSync(join(layer, 'etc/hostname'), 'container\n');
  buildImage(
    {
      ref: 'docker.io/library/busybox:latest',
      layerDir: layer,
      config: { Cmd: ['sh'] },
      builtFrom: `busybox-static ${version} (Debian ${SUITE}, ${arch}; the benchmark's native baseline)`,
      architecture: goArch(arch),
    },
    join(ensureDir(join(root, 'root/images')), 'busybox.tar'),
    work,
  );
  rmSync(layer, { recursive: true, force: true });
}

/** The unpacked root for the host's architecture, built once per set of versions. */
export async function prepareNativeRoot(vmDir: string): Promise<NativeInfo & { root: string }> {
  const arch = hostArch();
  const { from, wanted } = wantedVersions(vmDir);
  const key = sha256(JSON.stringify({ RECIPE, arch, suite: SUITE, tools: TOOLS, wanted: Object.entries(wanted).map(([n, v]) => [n, sourceVersion(v)]) })).slice(0, 16);
  const dir = join(cacheRoot(), 'bench-native', key);
  const root = join(dir, 'root');
  if (existsSync(join(dir, '.complete'))) {
    const info = JSON.parse(readFileSync(join(dir, 'info.json'), 'utf8')) as NativeInfo;
    return { ...info, from, root };
  }

  // Our own isolated apt (sid only), so a concurrent image build's apt (<cache>/apt-<arch>) is never
  // touched; its package lists seed ours, so the update only fetches what changed.
  const aptDir = join(cacheRoot(), 'bench-native', `apt-${arch}`);
  const sharedApt = join(cacheRoot(), `apt-${arch}`);
  const lists = ensureDir(join(aptDir, 'state/lists'));
  if (!readdirSync(lists).some((f) => f.includes(`_dists_${SUITE}_`)) && existsSync(join(sharedApt, 'state/lists'))) {
    for (const f of readdirSync(join(sharedApt, 'state/lists')))
      if (f.includes(`_dists_${SUITE}_`)) copyFileSync(join(sharedApt, 'state/lists', f), join(lists, f));
  }
  let apt: Apt;
  try {
    apt = setupApt(aptDir, [SUITE], arch);
  } catch (e) {
    throw new NativeError(`could not set up apt for ${arch}: ${(e as Error).message.split('\n').slice(-2).join(' ')}`);
  }
  const versions: Record<string, string> = {};
  for (const name of TIMED) versions[name] = sameSourceVersion(apt, name, wanted[name]);
  const pkgs = closure(apt, Object.entries(versions).map(([n, v]) => `${n}=${v}`), TOOLS);
  for (const [n, v] of Object.entries(versions))
    if (pkgs.get(n) !== v) throw new NativeError(`apt resolved ${n} ${pkgs.get(n) ?? '(nothing)'} for ${arch}, not ${v}`);
  const debs = await download(apt, pkgs, join(sharedApt, 'debs'));

  const partial = join(dir, 'root.partial');
  rmSync(dir, { recursive: true, force: true });
  // Merged /usr, as Debian's own systems: the packages' /bin, /sbin, /lib land in /usr.
  for (const d of ['usr/bin', 'usr/sbin', 'usr/lib']) ensureDir(join(partial, d));
  for (const d of ['bin', 'sbin', 'lib']) symlinkSync(`usr/${d}`, join(partial, d));
  for (const deb of debs) bash(`dpkg-deb --fsys-tarfile "${deb}" | tar -x --keep-directory-symlink -C "${partial}"`);
  // The dynamic loader each binary asks for (/lib64/ld-linux-x86-64.so.2 on amd64,
  // /lib/ld-linux-aarch64.so.1 on arm64) must resolve inside the root.
  for (const bin of ['usr/bin/containerd', 'usr/bin/ctr', 'usr/sbin/runc', 'usr/bin/crun', 'usr/bin/bash', 'usr/bin/jq']) {
    const path = resolveIn(partial, bin);
    if (!path) throw new NativeError(`${bin} is not in the unpacked ${arch} packages`);
    const interp = /\[Requesting program interpreter: ([^\]]+)\]/.exec(run('readelf', ['-l', path]))?.[1];
    if (!interp || resolveIn(partial, interp)) continue;
    const top = interp.split('/').filter(Boolean)[0];
    if (!existsSync(join(partial, top)) && existsSync(join(partial, 'usr', top))) symlinkSync(`usr/${top}`, join(partial, top));
    if (!resolveIn(partial, interp)) throw new NativeError(`${bin} wants the loader ${interp}, which no unpacked ${arch} package provides`);
  }
  for (const d of ['proc', 'sys', 'dev', 'run', 'tmp', 'mnt', 'root', 'etc', 'var/lib/containerd']) ensureDir(join(partial, d));
  chmodSync(join(partial, 'tmp'), 0o1777);
  if (!existsSync(join(partial, 'etc/passwd'))) writeFileSync(join(partial, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  if (!existsSync(join(partial, 'etc/group'))) writeFileSync(join(partial, 'etc/group'), 'root:x:0:\n');
  busyboxImage(partial, versions['busybox-static'], arch, ensureDir(join(dir, 'work')));
  rmSync(join(dir, 'work'), { recursive: true, force: true });

  const info: NativeInfo = { arch, from, versions, packages: Object.fromEntries([...pkgs].sort(([a], [b]) => a.localeCompare(b))) };
  writeFileSync(join(dir, 'info.json'), JSON.stringify(info, null, 1) + '\n');
  renameSync(partial, root);
  writeFileSync(join(dir, '.complete'), '');
  // Roots of older versions: keep the previous one (another checkout may bench an older image), drop the rest.
  const base = join(cacheRoot(), 'bench-native');
  const older = readdirSync(base)
    .filter((d) => /^[0-9a-f]{16}$/.test(d) && d !== key)
    .map((d) => ({ d, t: statSync(join(base, d)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { d } of older.slice(1)) rmSync(join(base, d), { recursive: true, force: true });
  return { ...info, root };
}

/** Prepare the root and time the commands; every failure is one sentence in { error }. */
export async function nativeBaseline(vmDir: string): Promise<NativeResult> {
  if (process.getuid?.() !== 0) return { error: 'the native baseline needs root (it unshares mount and PID namespaces, mounts and chroots)' };
  let arch: string;
  try {
    arch = hostArch();
  } catch {
    return { error: 'the native baseline needs a Debian host (dpkg names its architecture and apt fetches the packages)' };
  }
  let prepared: NativeInfo & { root: string };
  try {
    prepared = await prepareNativeRoot(vmDir);
  } catch (e) {
    if (e instanceof NativeError || e instanceof BuildError) return { arch, error: `no native root for ${arch}: ${e.message.replace(/\s*\n\s*/g, ' ')}` };
    throw e;
  }
  const { root, ...info } = prepared;
  process.stderr.write(`bench: native: ${info.arch} binaries in ${root}: ${Object.entries(info.versions).map(([n, v]) => `${n} ${v}`).join(', ')}\n`);
  const r = spawnSync('bash', [join(HERE, 'native.sh'), root], { encoding: 'utf8', timeout: 5 * 60_000 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status === 0) {
    try {
      return { ...info, figures: JSON.parse(last) };
    } catch {
      /* fall through */
    }
  }
  const why = (r.stderr.trim().split('\n').pop() || r.error?.message || `native.sh exited ${r.status ?? r.signal}`).trim();
  return { ...info, error: why };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--vm-dir');
  const vmDir = i > 0 ? process.argv[i + 1] : (process.env.LAB_VM_DIR ?? DEFAULT_VM_DIR);
  nativeBaseline(vmDir).then(
    (r) => process.stdout.write(JSON.stringify(r) + '\n'),
    (e) => {
      process.stdout.write(JSON.stringify({ error: `the native baseline failed: ${String((e as Error)?.message ?? e).split('\n')[0]}` }) + '\n');
      process.exit(1);
    },
  );
}
