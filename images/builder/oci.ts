// The preloaded container images, built from Debian i386 packages (there is no registry here):
// busybox, pause and nginx as OCI image-layout tarballs that `ctr images import` reads.
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, mkdirSync, chmodSync, lstatSync, readlinkSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { guestPackage, type ResolvedPackage } from './packages.ts';
import { BuildError, IMAGES, bash, ensureDir, log, run, sha256 } from './util.ts';
import { hostArch } from './apt.ts';

export interface ImageSpec {
  /** Full reference, e.g. docker.io/library/busybox:latest */
  ref: string;
  /** A folder holding the single layer's files. */
  layerDir: string;
  config: {
    Entrypoint?: string[];
    Cmd?: string[];
    Env?: string[];
    WorkingDir?: string;
    User?: string;
    ExposedPorts?: Record<string, object>;
    StopSignal?: string;
  };
  /** What it was built from, recorded as labels. */
  builtFrom: string;
  /** OCI architecture; the guest's (386) unless said (the benchmark's native baseline builds one for the host). */
  architecture?: string;
}

export interface BuiltImage {
  ref: string;
  tarball: string;
  manifestDigest: string;
  size: number;
  /** The layer's uncompressed digest: for a one-layer image, also the chain ID naming its snapshot. */
  diffId: string;
}

const CREATED = '2025-01-01T00:00:00Z';

function blob(dir: string, data: Buffer, mediaType: string) {
  const hex = sha256(data);
  writeFileSync(join(dir, 'blobs/sha256', hex), data);
  return { mediaType, digest: `sha256:${hex}`, size: data.length };
}

export function buildImage(spec: ImageSpec, outTar: string, work: string): BuiltImage {
  const dir = join(work, 'layout');
  rmSync(dir, { recursive: true, force: true });
  ensureDir(join(dir, 'blobs/sha256'));
  // A reproducible layer: sorted names, fixed times and owners.
  const tarFile = join(work, 'layer.tar');
  run('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--format=posix',
    '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime', '-C', spec.layerDir, '-cf', tarFile, '.']);
  const tar = readFileSync(tarFile);
  rmSync(tarFile);
  const layer = blob(dir, gzipSync(tar, { level: 9 }), 'application/vnd.oci.image.layer.v1.tar+gzip');
  const diffId = `sha256:${sha256(tar)}`;
  const labels = {
    'org.opencontainers.image.description': `Built locally by Runtime Lab from Debian packages: ${spec.builtFrom}`,
    'org.opencontainers.image.vendor': 'Runtime Lab (local build, not the upstream image)',
    'dev.runtime-lab.built-from': spec.builtFrom,
  };
  const config = {
    created: CREATED,
    architecture: spec.architecture ?? '386',
    os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ...spec.config, Labels: labels },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: CREATED, created_by: `Runtime Lab image build (images/builder/oci.ts): ${spec.builtFrom}` }],
  };
  const cfg = blob(dir, Buffer.from(JSON.stringify(config)), 'application/vnd.oci.image.config.v1+json');
  const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: cfg, layers: [layer] };
  const man = blob(dir, Buffer.from(JSON.stringify(manifest)), manifest.mediaType);
  const tag = spec.ref.slice(spec.ref.lastIndexOf(':') + 1);
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ ...man, platform: { architecture: spec.architecture ?? '386', os: 'linux' },
      annotations: { 'io.containerd.image.name': spec.ref, 'org.opencontainers.image.ref.name': tag } }],
  };
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  run('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-C', dir, '-cf', outTar, 'oci-layout', 'index.json', 'blobs']);
  return { ref: spec.ref, tarball: outTar, manifestDigest: man.digest, size: readFileSync(outTar).length, diffId };
}

function minimalEtc(dir: string, extraUsers = ''): void {
  ensureDir(join(dir, 'etc'));
  writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n' + extraUsers + 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\n' + extraUsers.replace(/^([^:]+):x:(\d+):.*$/gm, '$1:x:$2:') + 'nogroup:x:65534:\n');
  writeFileSync(join(dir, 'etc/hostname'), 'container\n');
  for (const d of ['proc', 'sys', 'dev', 'tmp', 'root', 'run']) ensureDir(join(dir, d));
  chmodSync(join(dir, 'tmp'), 0o1777);
}

function version(pkgs: ResolvedPackage[], name: string): string {
  const p = guestPackage(pkgs, name);
  return `${name} ${p.version} (Debian ${p.suite})`;
}

/** A Debian version without its binNMU suffix (+bN): binNMUs rebuild the same source per architecture. */
export function sourceVersion(v: string): string {
  return v.replace(/\+b\d+$/, '');
}

/**
 * The applets of the guest's busybox, asked of the host-architecture build of the same busybox
 * version (the "host-tools" set): the i386 binary itself may not run here, and the applet list is
 * set by Debian's build configuration, the same for every architecture.
 */
export function busyboxApplets(pkgs: ResolvedPackage[], work: string): string[] {
  const guest = guestPackage(pkgs, 'busybox-static');
  const host = pkgs.find((p) => p.name === 'busybox-static' && p.key !== p.name);
  if (!host) throw new BuildError('the host-architecture busybox-static ("host-tools" set in images/packages.json) was not resolved');
  if (sourceVersion(host.version) !== sourceVersion(guest.version)) {
    throw new BuildError(`busybox-static: the guest has ${guest.version} but the host-architecture build is ${host.version}; ` +
      'both must come from the same source version. Run `npm run lab:image -- --update-lock` when the mirror has moved on.');
  }
  const dir = join(work, 'host-busybox');
  rmSync(dir, { recursive: true, force: true });
  ensureDir(dir);
  bash(`dpkg-deb -x "${host.deb}" "${dir}"`);
  log(`[host] busybox --list (busybox-static ${host.version} for ${host.arch}, the guest has ${guest.version} for i386)`);
  return run(join(dir, 'usr/bin/busybox'), ['--list']).trim().split('\n');
}

export function busyboxImage(root: string, pkgs: ResolvedPackage[], work: string): ImageSpec {
  const dir = join(work, 'busybox-layer');
  rmSync(dir, { recursive: true, force: true });
  ensureDir(join(dir, 'bin'));
  copyFileSync(join(root, 'usr/bin/busybox'), join(dir, 'bin/busybox'));
  chmodSync(join(dir, 'bin/busybox'), 0o755);
  for (const a of busyboxApplets(pkgs, work)) if (a !== 'busybox' && !existsSync(join(dir, 'bin', a))) symlinkSync('busybox', join(dir, 'bin', a));
  minimalEtc(dir);
  for (const d of ['home', 'var/www', 'usr']) ensureDir(join(dir, d));
  return { ref: 'docker.io/library/busybox:latest', layerDir: dir, config: { Cmd: ['sh'] }, builtFrom: version(pkgs, 'busybox-static') };
}

/**
 * An image only the lab's registry holds (never preloaded into containerd): busybox's files plus a
 * greeting, so a pull of it has to fetch every byte from the registry.
 */
export function helloImage(busybox: ImageSpec, work: string): ImageSpec {
  const dir = join(work, 'hello-layer');
  rmSync(dir, { recursive: true, force: true });
  run('cp', ['-a', busybox.layerDir, dir]);
  writeFileSync(join(dir, 'etc/motd'), 'Hello from the lab\'s own registry: every byte of this image came from it.\n');
  return { ref: 'docker.io/runtimelab/hello:1', layerDir: dir, config: { Cmd: ['cat', '/etc/motd'] }, builtFrom: `${busybox.builtFrom}, with /etc/motd` };
}

/**
 * A C compiler for freestanding i386 code on this host: gcc -m32 where the host is x86 (binutils
 * assembles 32-bit code too), Debian's i686 cross compiler elsewhere (scripts/host-tools.sh installs it).
 */
export function i386Compiler(): { cc: string; flags: string[] } {
  const arch = hostArch();
  return arch === 'amd64' || arch === 'i386' ? { cc: 'gcc', flags: ['-m32'] } : { cc: 'i686-linux-gnu-gcc', flags: [] };
}

export function pauseImage(work: string): ImageSpec {
  const dir = join(work, 'pause-layer');
  rmSync(dir, { recursive: true, force: true });
  ensureDir(dir);
  const { cc, flags } = i386Compiler();
  run(cc, [...flags, '-static', '-nostdlib', '-ffreestanding', '-fno-stack-protector', '-fno-pie', '-no-pie',
    '-fno-asynchronous-unwind-tables', '-Os', '-s', '-Wall', '-Werror', '-o', join(dir, 'pause'), join(IMAGES, 'oci/pause/pause.c')]);
  return { ref: 'registry.k8s.io/pause:3.10', layerDir: dir, config: { Entrypoint: ['/pause'], User: '65535:65535' },
    builtFrom: 'images/oci/pause/pause.c compiled for i386 (no C library)' };
}

/** The ELF libraries a binary needs, found recursively in an unpacked tree. */
function neededLibraries(tree: string, binary: string): string[] {
  const libDirs = ['usr/lib/i386-linux-gnu', 'lib/i386-linux-gnu', 'usr/lib', 'lib'];
  const found = new Set<string>();
  const queue = [binary];
  while (queue.length) {
    const file = queue.pop()!;
    const dyn = run('readelf', ['-d', file]);
    for (const m of dyn.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)) {
      const rel = libDirs.map((d) => join(d, m[1])).find((p) => existsSync(join(tree, p)));
      if (!rel) throw new BuildError(`nginx image: ${m[1]} (needed by ${file.replace(tree, '')}) is not in the unpacked packages`);
      if (!found.has(rel)) {
        found.add(rel);
        queue.push(join(tree, rel));
      }
    }
  }
  return [...found];
}

/** Copy a path from one tree to another, following symlinks so the copy has the file and its links. */
function copyResolving(from: string, to: string, rel: string): void {
  const src = join(from, rel);
  const dst = join(to, rel);
  mkdirSync(dirname(dst), { recursive: true });
  if (lstatSync(src).isSymbolicLink()) {
    const target = readlinkSync(src);
    if (!existsSync(dst)) symlinkSync(target, dst);
    copyResolving(from, to, target.startsWith('/') ? target.slice(1) : join(dirname(rel), target));
  } else if (!existsSync(dst)) {
    copyFileSync(src, dst);
    chmodSync(dst, lstatSync(src).mode & 0o7777);
  }
}

export function nginxImage(pkgs: ResolvedPackage[], work: string): ImageSpec {
  const tree = join(work, 'nginx-packages');
  const dir = join(work, 'nginx-layer');
  for (const d of [tree, dir]) rmSync(d, { recursive: true, force: true });
  ensureDir(tree);
  for (const d of ['usr/bin', 'usr/sbin', 'usr/lib']) ensureDir(join(tree, d));
  for (const d of ['bin', 'sbin', 'lib']) symlinkSync(`usr/${d}`, join(tree, d));
  for (const p of pkgs.filter((x) => x.sets.includes('nginx')))
    bash(`dpkg-deb --fsys-tarfile "${p.deb}" | tar -x --keep-directory-symlink -C "${tree}"`);
  ensureDir(dir);
  for (const d of ['usr/bin', 'usr/sbin', 'usr/lib']) ensureDir(join(dir, d));
  for (const d of ['bin', 'sbin', 'lib']) symlinkSync(`usr/${d}`, join(dir, d));
  const nginx = 'usr/sbin/nginx';
  copyResolving(tree, dir, nginx);
  for (const lib of neededLibraries(tree, join(tree, nginx))) copyResolving(tree, dir, lib);
  copyResolving(tree, dir, 'usr/lib/ld-linux.so.2');
  ensureDir(join(dir, 'etc'));
  bash(`cp -a "${tree}/etc/nginx" "${dir}/etc/"`);
  ensureDir(join(dir, 'etc/nginx/sites-enabled'));
  if (!existsSync(join(dir, 'etc/nginx/sites-enabled/default'))) symlinkSync('/etc/nginx/sites-available/default', join(dir, 'etc/nginx/sites-enabled/default'));
  minimalEtc(dir, 'www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n');
  ensureDir(join(dir, 'var/www/html'));
  writeFileSync(join(dir, 'var/www/html/index.html'), readFileSync(join(IMAGES, 'oci/nginx/index.html')));
  for (const d of ['var/lib/nginx', 'var/log/nginx', 'var/cache/nginx']) ensureDir(join(dir, d));
  // As in the upstream image: logs go to the container's stdout and stderr.
  symlinkSync('/dev/stdout', join(dir, 'var/log/nginx/access.log'));
  symlinkSync('/dev/stderr', join(dir, 'var/log/nginx/error.log'));
  if (!readdirSync(join(dir, 'usr/sbin')).includes('nginx')) throw new BuildError('nginx image: nginx binary missing');
  return {
    ref: 'docker.io/library/nginx:latest',
    layerDir: dir,
    config: { Cmd: ['nginx', '-g', 'daemon off;'], ExposedPorts: { '80/tcp': {} }, StopSignal: 'SIGQUIT' },
    builtFrom: version(pkgs, 'nginx'),
  };
}
