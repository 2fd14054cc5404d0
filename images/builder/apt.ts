// An isolated apt: its own sources, state and cache, so nothing is ever installed into the host
// and the host's apt lists stay untouched. One per architecture: i386 for the guest, the host's
// own (amd64, arm64, ...) for build-time tools such as the Go compiler.
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BuildError, ensureDir, log, run } from './util.ts';

export interface Apt {
  root: string;
  /** The Debian architecture this apt resolves and downloads for. */
  arch: string;
  /** Run apt-get/apt-cache with the isolated configuration. */
  get(args: string[], cwd?: string): string;
  cache(args: string[]): string;
}

const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** The Debian archive URIs the host is configured with (deb822 .sources and one-line .list files). */
export function hostDebianMirrors(etc = '/etc/apt'): string[] {
  const uris: string[] = [];
  const files: string[] = [];
  if (existsSync(join(etc, 'sources.list'))) files.push(join(etc, 'sources.list'));
  const d = join(etc, 'sources.list.d');
  if (existsSync(d)) for (const f of readdirSync(d).sort()) if (/\.(list|sources)$/.test(f)) files.push(join(d, f));
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    if (f.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        if (/^Enabled:\s*no/im.test(stanza)) continue;
        const m = /^URIs:\s*(.+)$/im.exec(stanza);
        if (m) uris.push(...m[1].trim().split(/\s+/));
      }
    } else {
      for (const line of text.split('\n')) {
        const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)/.exec(line);
        if (m) uris.push(m[1]);
      }
    }
  }
  // The main archive: a path ending in /debian (not debian-security, not a third-party repo).
  const debian = uris.filter((u) => /\/debian\/?$/.test(u));
  return [...new Set(debian.map((u) => u.replace(/\/$/, '')))];
}

/** The host's Debian architecture (amd64, arm64, ...). */
export function hostArch(): string {
  return run('dpkg', ['--print-architecture']).trim();
}

export const GUEST_ARCH = 'i386';

export function setupApt(dir: string, suites: string[], arch = GUEST_ARCH): Apt {
  const mirrors = hostDebianMirrors();
  if (mirrors.length === 0) {
    throw new BuildError(
      'No Debian archive is configured in /etc/apt (sources.list or sources.list.d). ' +
        'The guest packages are fetched from the same mirror the host uses: configure one and retry.',
    );
  }
  if (!existsSync(KEYRING)) throw new BuildError(`${KEYRING} is missing: apt-get install debian-archive-keyring`);
  for (const sub of ['etc/preferences.d', 'state/lists/partial', 'cache/archives/partial', 'debs']) ensureDir(join(dir, sub));
  const sources = suites
    .flatMap((s) => mirrors.map((m) => `deb [arch=${arch} signed-by=${KEYRING}] ${m} ${s} main`))
    .join('\n');
  writeFileSync(join(dir, 'etc/sources.list'), sources + '\n');
  writeFileSync(join(dir, 'state/status'), '');
  // Every suite at the same priority: each set of packages names its suite explicitly.
  const conf = `
Dir::Etc "${dir}/etc";
Dir::Etc::sourcelist "${dir}/etc/sources.list";
Dir::Etc::sourceparts "-";
Dir::Etc::preferences "${dir}/etc/preferences";
Dir::Etc::preferencesparts "${dir}/etc/preferences.d";
Dir::State "${dir}/state";
Dir::State::status "${dir}/state/status";
Dir::Cache "${dir}/cache";
APT::Architecture "${arch}";
APT::Architectures { "${arch}"; };
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
Acquire::Check-Valid-Until "false";
Acquire::Retries "3";
`;
  writeFileSync(join(dir, 'apt.conf'), conf);
  writeFileSync(join(dir, 'etc/preferences'), '');
  const env = { ...process.env, APT_CONFIG: join(dir, 'apt.conf'), LC_ALL: 'C' };
  const apt: Apt = {
    root: dir,
    arch,
    get: (args, cwd) => run('apt-get', ['-q', ...args], { env, cwd }),
    cache: (args) => run('apt-cache', args, { env }),
  };
  log(`isolated apt (${arch}) on ${suites.join(', ')} from the host's configured mirror`);
  apt.get(['update']);
  return apt;
}

/** Pin one suite above the others, for resolving one set's dependency closure. */
export function preferSuite(apt: Apt, suite: string): void {
  writeFileSync(
    join(apt.root, 'etc/preferences'),
    `Package: *\nPin: release n=${suite}\nPin-Priority: 990\n\nPackage: *\nPin: release n=*\nPin-Priority: 100\n`,
  );
}
