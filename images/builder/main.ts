// `npm run lab:image [-- --update-lock] [-- --force]`: builds everything the lab needs into public/vm/.
// Steps: packages (isolated apt) → root filesystem → kernel + initramfs → container images →
// 9p index → boot in Node, prepare containerd, save the snapshot → manifest. The finished build is
// cached outside the repo, keyed by the lock and the recipe.
import { copyFileSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { setupApt, hostArch } from './apt.ts';
import { auditTraceFile } from './exec-audit.ts';
import { spawnSync } from 'node:child_process';
import { LOCK_PATH, RECIPE_PATH, addToLock, readLock, readRecipe, resolvePackages, writeLock, type ResolvedPackage } from './packages.ts';
import { buildCrictl } from './crictl.ts';
import { assembleRootfs, maskedUnits, unpackKernel } from './rootfs.ts';
import { buildInitramfs } from './initramfs.ts';
import { buildImage, busyboxImage, helloImage, nginxImage, pauseImage, type BuiltImage } from './oci.ts';
import { writeRegistryStorage } from './registry.ts';
import { buildFsIndex } from './fsindex.ts';
import { takeSnapshot } from './snapshot.ts';
import { BuildError, IMAGES, OUT, REPO, bash, cacheRoot, ensureDir, have, log, run, sha256, sha256File } from './util.ts';
import { checkHostTools, installHostTools } from './host.ts';
import { DEFAULT_MACHINE, type Manifest, type ManifestFile } from '../../src/vm/manifest.ts';

const args = new Set(process.argv.slice(2));
const updateLock = args.has('--update-lock');
const force = args.has('--force');
/** Where the preloaded images' layers sit, unpacked, on the guest's 9p root (its path in the guest, without the leading slash). */
const GUEST_LAYERS = 'usr/share/runtime-lab/layers';

/**
 * Everything a build depends on besides the packages: the recipe folder, the v86 version, the
 * machine settings and the agent's wire format. (The rest of the driver does not shape the image.)
 */
function recipeKey(): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.endsWith('.test.ts') && !e.name.endsWith('_test.go')) files.push(p);
    }
  };
  walk(IMAGES);
  files.push(join(REPO, 'src/vm/protocol.ts'), join(REPO, 'src/vm/manifest.ts'));
  const v86 = JSON.parse(readFileSync(join(REPO, 'node_modules/v86/package.json'), 'utf8')).version;
  return sha256(files.map((f) => `${relative(REPO, f)}\n${sha256(readFileSync(f))}`).join('\n') + `\nv86 ${v86}\n` + JSON.stringify(DEFAULT_MACHINE)).slice(0, 20);
}

function publish(from: string): void {
  ensureDir(join(OUT, '..'));
  // Hard links: instant, and the cache keeps its copy if public/vm is deleted. Swapped in whole,
  // so a lab started meanwhile never sees half of one build and half of another.
  const next = `${OUT}.next`;
  const old = `${OUT}.old`;
  rmSync(next, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
  bash(`cp -al "${from}" "${next}"`);
  if (existsSync(OUT)) renameSync(OUT, old);
  renameSync(next, OUT);
  rmSync(old, { recursive: true, force: true });
  const now = new Date();
  utimesSync(join(from, '..'), now, now); // the build in use counts as the newest
  pruneBuilds(join(from, '../..'), 3);
}

/** Keep the newest few cached builds (each ~180 MB). */
function pruneBuilds(buildsDir: string, keep: number): void {
  const builds = readdirSync(buildsDir)
    .map((name) => ({ name, at: statSync(join(buildsDir, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const b of builds.slice(keep)) rmSync(join(buildsDir, b.name), { recursive: true, force: true });
}

async function fileEntry(dir: string, name: string): Promise<ManifestFile> {
  const p = join(dir, name);
  return { name, size: statSync(p).size, sha256: await sha256File(p) };
}

async function main(): Promise<void> {
  const cache = cacheRoot();
  let key = recipeKey();
  const cached = join(cache, 'builds', key, 'vm');
  if (!force && !updateLock && existsSync(join(cached, 'manifest.json'))) {
    log(`up to date (cached build ${key}); publishing to ${relative(REPO, OUT)}/`);
    publish(cached);
    return;
  }
  checkHostTools();
  const host = hostArch();
  const apts = {
    guest: setupApt(join(cache, 'apt'), ['sid', 'bookworm']),
    host: setupApt(join(cache, `apt-${host}`), ['sid', 'bookworm'], host),
  };
  const lockBefore = existsSync(LOCK_PATH) ? readFileSync(LOCK_PATH, 'utf8') : '';
  const pkgs = await resolvePackages(apts, readRecipe(), readLock(), { updateLock });
  if (updateLock || !lockBefore) {
    writeLock(pkgs);
    for (const p of pkgs) p.drift = undefined; // recorded in the lock now
  } else {
    addToLock(pkgs, readLock()); // a set new to the recipe is pinned as soon as it is resolved
  }
  key = recipeKey();
  const buildDir = join(cache, 'builds', key);
  const finalDir = join(buildDir, 'vm');
  if (!force && existsSync(join(finalDir, 'manifest.json'))) {
    log(`up to date (cached build ${key}); publishing`);
    publish(finalDir);
    return;
  }
  const work = ensureDir(join(cache, 'work'));
  const stage = join(buildDir, 'vm.partial');
  rmSync(stage, { recursive: true, force: true });
  ensureDir(stage);

  const kernel = unpackKernel(pkgs, work);
  const root = join(work, 'rootfs');
  const modulesDep = assembleRootfs(pkgs, kernel, root);
  buildCrictl(pkgs, cache, root);
  copyFileSync(kernel.vmlinuz, join(stage, 'vmlinuz'));
  log('initramfs');
  buildInitramfs(root, kernel.version, modulesDep, work, join(stage, 'initrd.img'));
  firmware(pkgs, work, stage);

  log('container images: busybox, pause, nginx');
  const imagesDir = ensureDir(join(root, 'root/images'));
  const images: Array<BuiltImage & { layer: string }> = [];
  const busybox = busyboxImage(root, pkgs, work);
  ensureDir(join(root, GUEST_LAYERS));
  for (const [name, spec] of [
    ['busybox', busybox],
    ['pause', pauseImage(work)],
    ['nginx', nginxImage(pkgs, work)],
  ] as const) {
    // Each layer also goes onto the 9p root, unpacked: the snapshot points containerd's read-only
    // copies there instead of keeping them in the guest's memory (images/builder/snapshot.ts).
    const layer = `/${GUEST_LAYERS}/${name}`;
    run('cp', ['-a', spec.layerDir, join(root, layer)]);
    images.push({ ...buildImage(spec, join(imagesDir, `${name}.tar`), work), layer });
  }
  // The registry's storage is written here, as files: the guest only starts the server, on demand.
  const hello = buildImage(helloImage(busybox, work), join(work, 'hello.tar'), work);
  const registry = writeRegistryStorage(join(root, 'var/lib/docker-registry'), [
    { repo: 'library/busybox', tag: 'latest', tarball: join(imagesDir, 'busybox.tar') },
    { repo: 'library/nginx', tag: 'latest', tarball: join(imagesDir, 'nginx.tar') },
    { repo: 'runtimelab/hello', tag: '1', tarball: hello.tarball },
  ], work);
  log(`[host] the lab registry's storage: ${Object.keys(registry).join(', ')} (runtimelab/hello only there)`);

  log('9p index of the root filesystem');
  const fs = await buildFsIndex(root, join(stage, 'fs.json'), join(stage, 'fs'));
  log(`${fs.files} files, ${(fs.uniqueBytes / 1e6).toFixed(1)} MB unique, ${(fs.storedBytes / 1e6).toFixed(1)} MB stored`);

  const require = createRequire(import.meta.url);
  const v86Dir = join(require.resolve('v86'), '../..');
  copyFileSync(join(v86Dir, 'build/v86.wasm'), join(stage, 'v86.wasm'));

  const files = {
    wasm: await fileEntry(stage, 'v86.wasm'),
    bios: await fileEntry(stage, 'bios.bin'),
    vgaBios: await fileEntry(stage, 'vgabios.bin'),
    kernel: await fileEntry(stage, 'vmlinuz'),
    initrd: await fileEntry(stage, 'initrd.img'),
    fsJson: await fileEntry(stage, 'fs.json'),
    state: { name: 'state.bin.zst', size: 0, sha256: '', rawSize: 0 },
  };
  const manifest: Manifest = {
    format: 1,
    builtAt: new Date().toISOString(),
    lockSha256: sha256(readFileSync(LOCK_PATH)),
    recipeKey: key,
    machine: DEFAULT_MACHINE,
    files,
    fsDir: 'fs/',
    fs,
    kernelVersion: kernel.version,
    v86Version: JSON.parse(readFileSync(join(v86Dir, 'package.json'), 'utf8')).version,
    packages: Object.fromEntries(pkgs.map((p) => [p.key, { version: p.version, suite: p.suite, sha256: p.sha256, sets: p.sets }])),
    drift: pkgs.filter((p) => p.drift).map((p) => p.drift!),
    images: images.map((i) => ({ ref: i.ref, manifestDigest: i.manifestDigest, tarball: `/root/images/${i.tarball.split('/').pop()}`, size: i.size, diffId: i.diffId, layer: i.layer })),
    snapshot: { bootToAgentMs: 0, bootToReadyMs: 0, guestMemUsedKiB: 0 },
  };
  // The boot reads this manifest (without a state yet) through the same driver a restore uses.
  writeFileSync(join(stage, 'manifest.json'), JSON.stringify(manifest, null, 1));

  log('booting the image to prepare containerd and save the snapshot');
  const snap = await takeSnapshot(stage, manifest, maskedUnits(root));
  manifest.snapshot = snap.info;
  manifest.files.state = { ...(await fileEntry(stage, 'state.bin.zst')), rawSize: snap.rawSize };
  writeFileSync(join(stage, 'manifest.json'), JSON.stringify(manifest, null, 1));

  rmSync(finalDir, { recursive: true, force: true });
  renameSync(stage, finalDir);
  publish(finalDir);
  log(`done: ${relative(REPO, OUT)}/ (state ${(manifest.files.state.size / 1e6).toFixed(1)} MB compressed, ${(manifest.files.state.rawSize / 1e6).toFixed(1)} MB raw)`);
  if (manifest.drift.length) log(`${manifest.drift.length} package(s) differ from the lock; see manifest.json "drift"`);
}

/** SeaBIOS and its VGA BIOS, from Debian's seabios package. */
function firmware(pkgs: ResolvedPackage[], work: string, stage: string): void {
  const p = pkgs.find((x) => x.key === 'seabios');
  if (!p) throw new BuildError('seabios was not resolved');
  const dir = join(work, 'seabios');
  rmSync(dir, { recursive: true, force: true });
  ensureDir(dir);
  bash(`dpkg-deb -x "${p.deb}" "${dir}"`);
  copyFileSync(join(dir, 'usr/share/seabios/bios.bin'), join(stage, 'bios.bin'));
  copyFileSync(join(dir, 'usr/share/seabios/vgabios-stdvga.bin'), join(stage, 'vgabios.bin'));
}

/**
 * The build runs under `strace -f -e trace=execve`, and every program it ran is checked against the
 * host's architecture (exec-audit.ts). The audit of a fresh build is kept beside it in the cache.
 */
function traced(): number {
  if (!have('strace')) installHostTools();
  const cache = cacheRoot();
  const traceFile = join(cache, 'exec-trace.log');
  const started = Date.now();
  const r = spawnSync('strace', ['-f', '-qq', '--seccomp-bpf', '-s', '4096', '-e', 'trace=execve', '-e', 'signal=none', '-o', traceFile,
    '--', process.execPath, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, LAB_IMAGE_TRACED: '1' } });
  if (r.error || r.status === null) {
    process.stderr.write(`\nlab:image failed: could not run the build under strace (${r.error?.message ?? `signal ${r.signal}`})\n`);
    return 1;
  }
  if (r.status !== 0) return r.status;
  const audit = auditTraceFile(traceFile);
  const manifest = JSON.parse(readFileSync(join(OUT, 'manifest.json'), 'utf8')) as Manifest;
  const buildDir = join(cache, 'builds', manifest.recipeKey);
  if (audit.foreign.length) {
    process.stderr.write(`\nlab:image failed: the build ran programs of another architecture than the host's (${audit.hostArch}):\n` +
      audit.foreign.map((f) => `  ${f.path} (${f.machine}${f.result === '0' ? '' : `, ${f.result}`})`).join('\n') +
      '\nThe build was discarded. Whatever needs the guest\'s own programs must run in the guest, on the build\'s boot.\n');
    rmSync(buildDir, { recursive: true, force: true });
    rmSync(OUT, { recursive: true, force: true });
    return 1;
  }
  const fresh = Date.parse(manifest.builtAt) >= started;
  if (fresh) writeFileSync(join(buildDir, 'exec-audit.json'), JSON.stringify(audit, null, 1) + '\n');
  const machines = [...new Set(audit.programs.map((p) => p.machine))].join(', ');
  log(`exec audit: ${audit.programs.length} distinct programs ran on the host (${machines}); none of another architecture` +
    (fresh ? ` (recorded in ${relative(REPO, buildDir).startsWith('..') ? buildDir : relative(REPO, buildDir)}/exec-audit.json)` : ''));
  return 0;
}

if (process.env.LAB_IMAGE_TRACED || args.has('--no-trace')) {
  main().catch((e) => {
    if (e instanceof BuildError) {
      process.stderr.write(`\nlab:image failed: ${e.message}\n`);
    } else {
      process.stderr.write(`\nlab:image failed unexpectedly:\n${e?.stack ?? e}\n`);
    }
    process.exit(1);
  });
} else {
  process.exit(traced());
}

export { RECIPE_PATH };
