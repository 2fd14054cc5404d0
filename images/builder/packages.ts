// Resolves the guest's package sets against the mirror and the lock file, downloads and verifies
// the .deb files. Debian's pool drops superseded versions, so a locked version that vanished is
// replaced by the newest one in range (and said so); a package missing or out of range stops the build.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { type Apt, preferSuite } from './apt.ts';
import { BuildError, IMAGES, ensureDir, log, sha256File, warn } from './util.ts';

export interface RecipePackage {
  name: string;
  range?: string;
  /** A metapackage whose first dependency is the real package (the kernel's ABI-named image). */
  meta?: boolean;
}
export interface RecipeSet {
  suite: string;
  packages: RecipePackage[];
  /**
   * false: exactly the named packages, without their dependency closure (build-time sources and
   * tools that are unpacked, never installed, e.g. the Go toolchain and the -dev sources).
   */
  closure?: boolean;
  /**
   * "host": build-time tools for the machine running the build (the Go compiler, a busybox to list
   * applets), resolved for the host's architecture. Default: the guest's (i386).
   */
  arch?: 'host';
}
export interface Recipe {
  sets: Record<string, RecipeSet>;
}
export interface LockEntry {
  suite: string;
  range: string;
  version: string;
  sha256: string;
  sets: string[];
}
export interface Lock {
  packages: Record<string, LockEntry>;
}
export interface ResolvedPackage extends LockEntry {
  name: string;
  /** Debian architecture it was resolved for (i386 for the guest, the host's for build tools). */
  arch: string;
  /** Its key in the lock: the name for guest packages, name:arch for host-architecture ones. */
  key: string;
  deb: string;
  /** Why this differs from the lock, if it does. */
  drift?: string;
}

export const RECIPE_PATH = join(IMAGES, 'packages.json');
export const LOCK_PATH = join(IMAGES, 'packages.lock.json');

export function readRecipe(): Recipe {
  return JSON.parse(readFileSync(RECIPE_PATH, 'utf8'));
}
export function readLock(): Lock {
  if (!existsSync(LOCK_PATH)) return { packages: {} };
  return JSON.parse(readFileSync(LOCK_PATH, 'utf8'));
}

/** Debian version relations, e.g. ">= 2.0 << 3"; an empty range allows anything. */
export function parseRange(range: string): Array<[string, string]> {
  const parts = range.trim().split(/\s+/).filter(Boolean);
  if (parts.length % 2) throw new BuildError(`bad version range "${range}"`);
  const out: Array<[string, string]> = [];
  for (let i = 0; i < parts.length; i += 2) {
    if (!['<<', '<=', '=', '>=', '>>'].includes(parts[i])) throw new BuildError(`bad operator in range "${range}"`);
    out.push([parts[i], parts[i + 1]]);
  }
  return out;
}

export function inRange(version: string, range: string): boolean {
  const ops: Record<string, string> = { '<<': 'lt', '<=': 'le', '=': 'eq', '>=': 'ge', '>>': 'gt' };
  return parseRange(range).every(
    ([op, v]) => spawnSync('dpkg', ['--compare-versions', version, ops[op], v]).status === 0,
  );
}

/** The file name `apt-get download` gives a package (epoch colon encoded). */
function downloadedName(name: string, version: string, poolFile: string): string {
  const arch = /_([a-z0-9]+)\.deb$/.exec(poolFile)?.[1] ?? 'i386';
  return `${name}_${version.replace(/:/g, '%3a')}_${arch}.deb`;
}

interface IndexRecord {
  version: string;
  filename: string;
  sha256: string;
}

function indexRecord(apt: Apt, name: string, version: string): IndexRecord {
  const text = apt.cache(['show', `${name}=${version}`]);
  const rec = text.split(/\n\n/)[0];
  const field = (f: string) => new RegExp(`^${f}: (.+)$`, 'm').exec(rec)?.[1]?.trim() ?? '';
  return { version: field('Version'), filename: field('Filename'), sha256: field('SHA256') };
}

function versionsOnMirror(apt: Apt, name: string, suite: string): string[] {
  const out = apt.cache(['madison', name]);
  return out
    .split('\n')
    .map((l) => l.split('|').map((s) => s.trim()))
    .filter((c) => c.length >= 3 && c[2].includes(` ${suite}/`))
    .map((c) => c[1]);
}

/** The dependency closure of a set, as apt would install it on an empty system. */
function closure(apt: Apt, suite: string, names: string[]): Map<string, string> {
  preferSuite(apt, suite);
  let out: string;
  try {
    out = apt.get(['install', '-s', '--no-install-recommends', ...names]);
  } catch (e) {
    const msg = (e as Error).message;
    const missing = /Unable to locate package (\S+)|Package '?(\S+?)'? has no installation candidate/.exec(msg);
    throw new BuildError(
      missing
        ? `package ${missing[1] ?? missing[2]} is not in Debian ${suite} (i386) on this mirror. Edit images/packages.json.`
        : `apt could not resolve the ${suite} set: ${msg}`,
    );
  }
  const result = new Map<string, string>();
  for (const m of out.matchAll(/^Inst (\S+) (?:\[\S+\] )?\((\S+) /gm)) result.set(m[1], m[2]);
  return result;
}

export interface ResolveOptions {
  updateLock: boolean;
}

/** The isolated apts: one for the guest's architecture, one for the host's (build tools). */
export interface Apts {
  guest: Apt;
  host: Apt;
}

/** A package of the guest (i386), by name; throws if the build did not resolve it. */
export function guestPackage(pkgs: ResolvedPackage[], name: string): ResolvedPackage {
  const p = pkgs.find((x) => x.name === name && x.key === name);
  if (!p) throw new BuildError(`package ${name} was not resolved for the guest`);
  return p;
}

export async function resolvePackages(apts: Apts, recipe: Recipe, lock: Lock, opts: ResolveOptions): Promise<ResolvedPackage[]> {
  const chosen = new Map<string, ResolvedPackage>();

  for (const [setName, set] of Object.entries(recipe.sets)) {
    const apt = set.arch === 'host' ? apts.host : apts.guest;
    const keyOf = (name: string) => (set.arch === 'host' ? `${name}:${apt.arch}` : name);
    const ranges = new Map<string, string>();
    const wanted: string[] = [];
    for (const p of set.packages) {
      if (p.meta) {
        // The metapackage's version carries the range; its first dependency is what gets unpacked.
        preferSuite(apt, set.suite);
        const cand = versionsOnMirror(apt, p.name, set.suite)[0];
        if (!cand) throw new BuildError(`package ${p.name} is not in Debian ${set.suite} (${apt.arch}) on this mirror`);
        if (p.range && !inRange(cand, p.range))
          throw new BuildError(`${p.name} ${cand} in ${set.suite} is outside its allowed range "${p.range}" (images/packages.json)`);
        const dep = /^Depends: ([^\s,(]+)/m.exec(apt.cache(['show', `${p.name}=${cand}`]))?.[1];
        if (!dep) throw new BuildError(`${p.name} ${cand} names no package to unpack`);
        wanted.push(dep);
        // The range constrains the metapackage (6.1.x); the ABI-named image follows it exactly.
        ranges.set(dep, '');
      } else {
        wanted.push(p.name);
        ranges.set(p.name, p.range ?? '');
      }
    }
    const exact = setName === 'kernel' || set.closure === false;
    if (exact) preferSuite(apt, set.suite);
    const resolved = exact ? new Map(wanted.map((n) => [n, versionsOnMirror(apt, n, set.suite)[0]])) : closure(apt, set.suite, wanted);
    for (const [name, candidate] of resolved) {
      const key = keyOf(name);
      const prev = chosen.get(key);
      if (prev) {
        if (!prev.sets.includes(setName)) prev.sets.push(setName);
        continue;
      }
      if (!candidate) throw new BuildError(`package ${name} is not in Debian ${set.suite} (${apt.arch}) on this mirror`);
      const range = ranges.get(name) ?? lock.packages[key]?.range ?? '';
      const locked = lock.packages[key];
      let version = candidate;
      let drift: string | undefined;
      if (locked && locked.version !== candidate) {
        if (!opts.updateLock && versionsOnMirror(apt, name, set.suite).includes(locked.version)) {
          version = locked.version;
        } else {
          drift = `${name}: locked ${locked.version} is ${opts.updateLock ? 'replaced by' : 'no longer on the mirror; using'} ${candidate}`;
        }
      } else if (!locked && Object.keys(lock.packages).length) {
        drift = `${name}: not in the lock; using ${candidate}`;
      }
      if (range && !inRange(version, range)) {
        throw new BuildError(
          `${name} ${version} (the newest in Debian ${set.suite}) is outside its allowed range "${range}". ` +
            'Widen the range in images/packages.json if the new version is wanted.',
        );
      }
      chosen.set(key, { name, arch: apt.arch, key, suite: set.suite, range, version, sha256: '', sets: [setName], deb: '', drift });
    }
  }

  // Download what is not cached yet, in one apt call per architecture.
  const records = new Map<string, IndexRecord>();
  for (const apt of [apts.guest, apts.host]) {
    const debDir = ensureDir(join(apt.root, 'debs'));
    const missing: ResolvedPackage[] = [];
    for (const p of chosen.values()) {
      if (p.arch !== apt.arch) continue;
      preferSuite(apt, p.suite);
      const rec = indexRecord(apt, p.name, p.version);
      records.set(p.key, rec);
      p.deb = join(debDir, basename(rec.filename));
      if (!existsSync(p.deb)) missing.push(p);
    }
    if (!missing.length) continue;
    log(`downloading ${missing.length} packages (${apt.arch})`);
    const tmp = ensureDir(join(apt.root, 'download'));
    for (const f of readdirSync(tmp)) rmSync(join(tmp, f));
    apt.get(['download', ...missing.map((p) => `${p.name}=${p.version}`)], tmp);
    for (const p of missing) renameSync(join(tmp, downloadedName(p.name, p.version, records.get(p.key)!.filename)), p.deb);
  }
  for (const p of chosen.values()) {
    p.sha256 = await sha256File(p.deb);
    const rec = records.get(p.key)!;
    if (rec.sha256 && rec.sha256 !== p.sha256) {
      rmSync(p.deb);
      throw new BuildError(`${basename(p.deb)}: sha256 does not match the mirror's index; the cached file was removed, run again`);
    }
    const locked = lock.packages[p.key];
    if (locked && locked.version === p.version && locked.sha256 !== p.sha256) {
      throw new BuildError(
        `${p.name} ${p.version}: sha256 ${p.sha256} differs from the lock's ${locked.sha256}. ` +
          'The same version with other contents is suspicious; check the mirror, or run with --update-lock to accept it.',
      );
    }
  }
  const drifts = [...chosen.values()].filter((p) => p.drift);
  for (const p of drifts) warn(p.drift!);
  if (drifts.length && !opts.updateLock && Object.keys(lock.packages).length)
    warn(`${drifts.length} package(s) differ from images/packages.lock.json; run \`npm run lab:image -- --update-lock\` to record them`);
  return [...chosen.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * Record packages the lock does not know yet (a set added to the recipe), leaving every locked
 * entry as it is. Returns the names added.
 */
export function addToLock(pkgs: ResolvedPackage[], lock: Lock): string[] {
  const added = pkgs.filter((p) => !lock.packages[p.key]);
  if (!added.length) return [];
  const next: Lock = { packages: { ...lock.packages } };
  for (const p of added) {
    next.packages[p.key] = { suite: p.suite, range: p.range, version: p.version, sha256: p.sha256, sets: p.sets };
    p.drift = undefined;
  }
  next.packages = Object.fromEntries(Object.entries(next.packages).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(LOCK_PATH, JSON.stringify(next, null, 1) + '\n');
  log(`added ${added.length} package(s) to ${LOCK_PATH.replace(IMAGES, 'images')}: ${added.map((p) => p.key).join(', ')}`);
  return added.map((p) => p.key);
}

export function writeLock(pkgs: ResolvedPackage[]): void {
  const lock: Lock = { packages: {} };
  for (const p of pkgs) lock.packages[p.key] = { suite: p.suite, range: p.range, version: p.version, sha256: p.sha256, sets: p.sets };
  writeFileSync(LOCK_PATH, JSON.stringify(lock, null, 1) + '\n');
  log(`wrote ${LOCK_PATH.replace(IMAGES, 'images')} (${pkgs.length} packages)`);
}
