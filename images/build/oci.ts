// The preloaded container images, built from Debian i386 packages (there is no registry here):
// busybox, pause and nginx as OCI image-layout tarballs that `ctr images import` reads.
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, mkdirSync, chmodSync, lstatSync, readlinkSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import type { ResolvedPackage } from './packages.ts';
import { BuildError, IMAGES, bash, ensureDir, run, sha256 } from './util.ts';

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
}

export interface BuiltImage {
  ref: string;
  tarball: string;
  manifestDigest: string;
  size: number;
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
  const labels = {
    'org.opencontainers.image.description': `Built locally by Runtime Lab from Debian i386 packages: ${spec.builtFrom}`,
    'org.opencontainers.image.vendor': 'Runtime Lab (local build, not the upstream image)',
    'dev.runtime-lab.built-from': spec.builtFrom,
  };
  const config = {
    created: CREATED,
    architecture: '386',
    os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ...spec.config, Labels: labels },
    rootfs: { type: 'layers', diff_ids: [`sha256:${sha256(tar)}`] },
    history: [{ created: CREATED, created_by: `Runtime Lab image build (images/build/oci.ts): ${spec.builtFrom}` }],
  };
  const cfg = blob(dir, Buffer.from(JSON.stringify(config)), 'application/vnd.oci.image.config.v1+json');
  const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: cfg, layers: [layer] };
  const man = blob(dir, Buffer.from(JSON.stringify(manifest)), manifest.mediaType);
  const tag = spec.ref.slice(spec.ref.lastIndexOf(':') + 1);
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ ...man, platform: { architecture: '386', os: 'linux' },
      annotations: { 'io.containerd.image.name': spec.ref, 'org.opencontainers.image.ref.name': tag } }],
  };
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  run('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-C', dir, '-cf', outTar, 'oci-layout', 'index.json', 'blobs']);
  return { ref: spec.ref, tarball: outTar, manifestDigest: man.digest, size: readFileSync(outTar).length };
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
  const p = pkgs.find((x) => x.name === name);
  if (!p) throw new BuildError(`package ${name} was not resolved`);
  return `${name} ${p.version} (Debian ${p.suite})`;
}

export function busyboxImage(root: string, pkgs: ResolvedPackage[], work: string): ImageSpec {
  const dir = join(work, 'busybox-layer');
  rmSync(dir, { recursive: true, force: true });
  ensureDir(join(dir, 'bin'));
  copyFileSync(join(root, 'usr/bin/busybox'), join(dir, 'bin/busybox'));
  chmodSync(join(dir, 'bin/busybox'), 0o755);
  // busybox-static is a static i386 binary: the host runs it to list its own applets.
  const applets = run(join(dir, 'bin/busybox'), ['--list']).trim().split('\n');
  for (const a of applets) if (a !== 'busybox' && !existsSync(join(dir, 'bin', a))) symlinkSync('busybox', join(dir, 'bin', a));
  minimalEtc(dir);
  for (const d of ['home', 'var/www', 'usr']) ensureDir(join(dir, d));
  return { ref: 'docker.io/library/busybox:latest', layerDir: dir, config: { Cmd: ['sh'] }, builtFrom: version(pkgs, 'busybox-static') };
}

export function pauseImage(work: string): ImageSpec {
  const dir = join(work, 'pause-layer');
  rmSync(dir, { recursive: true, force: true });
  ensureDir(dir);
  run('gcc', ['-m32', '-static', '-nostdlib', '-ffreestanding', '-fno-stack-protector', '-fno-pie', '-no-pie',
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
