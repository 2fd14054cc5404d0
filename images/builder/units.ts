// What `systemctl --root=<guest> enable|mask|set-default` does, done by the builder itself: those
// commands only create symlinks, and the guest's systemctl is an i386 program the host may not be
// able to run. The build's boot asks the guest's own systemd to confirm the result (snapshot.ts).
import { existsSync, lstatSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BuildError, ensureDir } from './util.ts';

/** Where units live, in systemd's order of precedence (the first that has the unit wins). */
const UNIT_DIRS = ['etc/systemd/system', 'usr/lib/systemd/system'];

function unitPath(root: string, unit: string): string | undefined {
  for (const d of UNIT_DIRS) if (existsSync(join(root, d, unit))) return `/${d}/${unit}`;
  return undefined;
}

/** The [Install] section's settings (WantedBy=, RequiredBy=, Alias=, Also=), space-separated values split. */
export function installSection(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let inInstall = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inInstall = line === '[Install]';
      continue;
    }
    if (!inInstall || !line || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    (out[key] ??= []).push(...line.slice(eq + 1).trim().split(/\s+/).filter(Boolean));
  }
  return out;
}

function link(root: string, at: string, target: string): void {
  const p = join(root, at);
  ensureDir(dirname(p));
  try {
    lstatSync(p);
    rmSync(p, { force: true });
  } catch {
    /* nothing there yet */
  }
  symlinkSync(target, p);
}

/** `systemctl enable`: the [Install] section's links in /etc/systemd/system, following Also=. */
export function enableUnits(root: string, units: string[]): void {
  const done = new Set<string>();
  const enable = (unit: string) => {
    if (done.has(unit)) return;
    done.add(unit);
    const path = unitPath(root, unit);
    if (!path) throw new BuildError(`cannot enable ${unit}: no such unit in the guest`);
    const install = installSection(readFileSync(join(root, path), 'utf8'));
    const targets = [...(install.WantedBy ?? []).map((t) => `${t}.wants`), ...(install.RequiredBy ?? []).map((t) => `${t}.requires`)];
    if (!targets.length && !install.Alias && !install.Also) throw new BuildError(`cannot enable ${unit}: it has no [Install] section`);
    for (const t of targets) link(root, `etc/systemd/system/${t}/${unit}`, path);
    for (const alias of install.Alias ?? []) link(root, `etc/systemd/system/${alias}`, path);
    for (const also of install.Also ?? []) enable(also);
  };
  for (const u of units) enable(u);
}

/** `systemctl mask`: a link to /dev/null in /etc/systemd/system. Units that do not exist are skipped. */
export function maskUnits(root: string, units: string[]): string[] {
  const masked = units.filter((u) => unitPath(root, u) && !existsSync(join(root, 'etc/systemd/system', u)));
  for (const u of masked) link(root, `etc/systemd/system/${u}`, '/dev/null');
  return masked;
}

/** `systemctl set-default`. */
export function setDefaultTarget(root: string, target: string): void {
  const path = unitPath(root, target);
  if (!path) throw new BuildError(`cannot set the default target: ${target} does not exist in the guest`);
  link(root, 'etc/systemd/system/default.target', path);
}
