// The lab's crictl (images/crictl): a Go program cross-compiled offline for i386 by sid's Go
// toolchain for the host's own architecture, against the Kubernetes CRI client sources Debian
// packages. Both come from the recipe's "go" set, which is unpacked into the build cache, never into
// the guest. GOPATH mode: Debian's -dev packages lay their sources out as a GOPATH
// (/usr/share/gocode/src/<import path>). The host never runs the i386 binary: the bash completion
// comes from a host-architecture build of the same source.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, renameSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedPackage } from './packages.ts';
import { BuildError, IMAGES, bash, cacheRoot, ensureDir, log, run, sha256 } from './util.ts';
import { hostArch } from './apt.ts';

/** Go's name for a Debian architecture. */
export function goArch(debianArch: string): string {
  const map: Record<string, string> = { amd64: 'amd64', arm64: 'arm64', i386: '386', armhf: 'arm', armel: 'arm', ppc64el: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' };
  const a = map[debianArch];
  if (!a) throw new BuildError(`no Go architecture known for Debian's ${debianArch}`);
  return a;
}

/** The architecture Go builds for when it runs something here (tests, the completion generator). */
export function hostGoArch(): string {
  return goArch(hostArch());
}

export const CRICTL_SRC = join(IMAGES, 'crictl');
/** The version the lab's crictl reports as its own (not upstream cri-tools'). */
export const CRICTL_VERSION = '0.1.0-runtimelab';

export interface GoToolchain {
  /** Where the go set is unpacked (a Debian file tree). */
  root: string;
  goroot: string;
  gopath: string;
  go: string;
}

const CURRENT = 'current.json';

/** Unpack the go set into <cache>/go/<hash>/ once per set of .debs; remembered for the unit tests. */
export function goToolchain(pkgs: ResolvedPackage[], cache = cacheRoot()): GoToolchain {
  const set = pkgs.filter((p) => p.sets.includes('go'));
  if (!set.length) throw new BuildError('the recipe has no "go" set (images/packages.json): crictl cannot be built');
  const base = ensureDir(join(cache, 'go'));
  const key = sha256(set.map((p) => `${p.name} ${p.sha256}`).sort().join('\n')).slice(0, 16);
  const root = join(base, `tree-${key}`);
  if (!existsSync(join(root, '.complete'))) {
    log(`unpacking the Go toolchain and ${set.length - 2} Go source packages (build cache only)`);
    rmSync(root, { recursive: true, force: true });
    ensureDir(root);
    for (const p of set) bash(`dpkg-deb -x "${p.deb}" "${root}"`);
    writeFileSync(join(root, '.complete'), set.map((p) => `${p.name} ${p.version}`).join('\n') + '\n');
    // Older trees are dead weight (~180 MB each).
    for (const d of readdirSync(base)) if (d.startsWith('tree-') && d !== `tree-${key}`) rmSync(join(base, d), { recursive: true, force: true });
  }
  const goroot = readdirSync(join(root, 'usr/lib'))
    .filter((d) => /^go-\d/.test(d))
    .map((d) => join(root, 'usr/lib', d))[0];
  if (!goroot || !existsSync(join(goroot, 'bin/go'))) throw new BuildError(`no Go toolchain in ${root}/usr/lib/go-*`);
  const tc: GoToolchain = { root, goroot, gopath: join(root, 'usr/share/gocode'), go: join(goroot, 'bin/go') };
  writeFileSync(join(base, CURRENT), JSON.stringify(tc, null, 1) + '\n');
  return tc;
}

/** The toolchain the last image build unpacked, if any (the unit tests use it). */
export function lastGoToolchain(cache = cacheRoot()): GoToolchain | undefined {
  const p = join(cache, 'go', CURRENT);
  if (!existsSync(p)) return undefined;
  const tc = JSON.parse(readFileSync(p, 'utf8')) as GoToolchain;
  return existsSync(tc.go) && existsSync(join(tc.root, '.complete')) ? tc : undefined;
}

/**
 * Offline, GOPATH mode, static, the compile cache kept in the build cache. GOARCH: 386 for the
 * guest (SSE2: v86 emulates it), hostGoArch() for what runs on the host.
 */
export function goEnv(tc: GoToolchain, cache = cacheRoot(), arch = '386'): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOENV: 'off',
    GOROOT: tc.goroot,
    GOPATH: tc.gopath,
    GO111MODULE: 'off',
    GOPROXY: 'off',
    GOFLAGS: '',
    GOTOOLCHAIN: 'local',
    GOTELEMETRY: 'off',
    GOCACHE: ensureDir(join(cache, 'go', 'build-cache')),
    CGO_ENABLED: '0',
    GOOS: 'linux',
    GOARCH: arch,
    GO386: 'sse2',
  };
}

/** Compile crictl into the guest's /usr/local/bin and generate its bash completion there. */
export function buildCrictl(pkgs: ResolvedPackage[], cache: string, guestRoot: string): void {
  const tc = goToolchain(pkgs, cache);
  const t = Date.now();
  const bin = join(ensureDir(join(guestRoot, 'usr/local/bin')), 'crictl');
  const goVersion = run(tc.go, ['env', 'GOVERSION'], { env: goEnv(tc, cache) }).trim();
  const versionOf = (name: string) => pkgs.find((p) => p.name === name)?.version ?? 'unknown';
  // What `crictl version` names on its Client: line: the Go toolchain and the libraries that make
  // the lab's crictl what it is (CRI client, command line, YAML).
  const buildInfo = [
    goVersion,
    `cri-api=${versionOf('golang-k8s-cri-api-dev')}`,
    `cri-client=${versionOf('golang-k8s-cri-client-dev')}`,
    `urfave-cli=${versionOf('golang-github-urfave-cli-v2-dev')}`,
    `yaml.v3=${versionOf('golang-gopkg-yaml.v3-dev')}`,
  ].join(',');
  const ldflags = ['-s', '-w', `-X main.version=${CRICTL_VERSION}`, `-X main.buildInfo=${buildInfo}`].join(' ');
  run(tc.go, ['build', '-trimpath', '-ldflags', ldflags, '-o', `${bin}.new`, '.'], { cwd: CRICTL_SRC, env: goEnv(tc, cache) });
  renameSync(`${bin}.new`, bin);
  chmodSync(bin, 0o755);
  // The same source for the host's architecture, only to print the completion script (the command
  // tree does not depend on the architecture).
  const hostBin = join(ensureDir(join(cache, 'go', 'host-bin')), 'crictl');
  const host = hostGoArch();
  run(tc.go, ['build', '-trimpath', '-ldflags', ldflags, '-o', hostBin, '.'], { cwd: CRICTL_SRC, env: goEnv(tc, cache, host) });
  const completion = run(hostBin, ['completion', 'bash']);
  if (!completion.includes('complete ')) throw new BuildError('crictl completion bash printed no completion script');
  writeFileSync(join(ensureDir(join(guestRoot, 'usr/share/bash-completion/completions')), 'crictl'), completion);
  const doc = ensureDir(join(guestRoot, 'usr/local/share/doc/crictl'));
  writeFileSync(join(doc, 'README.md'), readFileSync(join(CRICTL_SRC, 'README.md')));
  log(`[host] crictl cross-compiled for i386 with ${goVersion} for ${host}; completion from a ${host} build (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}
