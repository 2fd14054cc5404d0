// `npm run bench`: figures for the lab machine, printed as a table and written to
// bench/results.json. Each scenario runs in its own Node process (bench/scenario.ts); the native
// baseline runs the same versions of containerd, runc, crun and busybox built for the host's own
// architecture, on the host kernel (bench/native.ts, bench/native.sh), so a ratio is "this software
// on this CPU" against "in the emulator". Compare ratios from one run: absolute times on a shared
// 2-core machine are noisy.
// `npm run bench -- --native-only` runs only the native baseline and prints its JSON.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Manifest } from '../src/vm/manifest.ts';
import { DEFAULT_VM_DIR } from '../src/vm/node-assets.ts';
import type { NativeResult } from './native.ts';
import type { ProcessSpan } from './breakdown.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const vmDir = process.env.LAB_VM_DIR ?? DEFAULT_VM_DIR;
type Figures = Record<string, number>;

function scenario<T = Figures>(name: string, nodeFlags: string[], args: string[] = []): T | { error: string } {
  process.stderr.write(`bench: ${name} ${[...nodeFlags, ...args].join(' ')}\n`);
  const r = spawnSync(process.execPath, [...nodeFlags, '--import', 'tsx', join(HERE, 'scenario.ts'), name, ...args], {
    encoding: 'utf8',
    timeout: 15 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last);
  } catch {
    return { error: (r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ') };
  }
}

/**
 * The native baseline (bench/native.ts): the lab image's versions of containerd, runc, crun and
 * busybox-static built for the host's own architecture, in their own process (bench/native.ts
 * prints progress first and its JSON result last).
 */
interface Traced { ms: number; instructions: number; fsBytesFetched: number; processes: ProcessSpan[] }
/** `ctr run` after a restore and warm, process by process (bench/breakdown.ts). */
interface Breakdown { cold: Traced; warm: Traced }

/** The breakdown as a table: each process of the cold and the warm run, when it started and how long it lived. */
function breakdownLines(split: Breakdown | { error: string }): string[] {
  if ('error' in split) return [`\nbreakdown: ${split.error}`];
  const row = (p?: ProcessSpan) => (p ? `${fmtMs(p.startMs)} | ${fmtMs(p.ms)}` : '— | —');
  // Paired by role (the n-th "runc delete" of one run with the n-th of the other): the order of
  // processes that overlap can differ between two runs.
  const keyed = (ps: ProcessSpan[]) => {
    const seen = new Map<string, number>();
    return new Map(ps.map((p) => {
      const n = (seen.get(p.role) ?? 0) + 1;
      seen.set(p.role, n);
      return [`${p.role}#${n}`, p] as const;
    }));
  };
  const cold = keyed(split.cold.processes);
  const warm = keyed(split.warm.processes);
  const lines = ['', 'Where a `ctr run --rm busybox echo` spends its time in the guest (Node, JIT off as in the page; each process from its exec, per the guest kernel\'s sched tracepoints):',
    '| process | after restore: starts at | lives | warm: starts at | lives |', '| --- | --- | --- | --- | --- |'];
  for (const key of new Set([...cold.keys(), ...warm.keys()])) {
    lines.push(`| ${key.replace(/#1$/, '').replace(/#(\d+)$/, ' ($1)')} | ${row(cold.get(key))} | ${row(warm.get(key))} |`);
  }
  const mips = (t: Traced) => `${(t.instructions / 1e6).toFixed(0)} M instructions, ${(t.instructions / t.ms / 1e3).toFixed(0)} MIPS`;
  lines.push(`| emulator | ${mips(split.cold)}, 9p ${fmtMB(split.cold.fsBytesFetched)} fetched | | ${mips(split.warm)}, 9p ${fmtMB(split.warm.fsBytesFetched)} fetched | |`);
  return lines;
}

function native(): NativeResult {
  process.stderr.write('bench: native baseline (the same versions built for the host\'s architecture, on the host kernel)\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(HERE, 'native.ts'), '--vm-dir', vmDir], {
    encoding: 'utf8',
    timeout: 20 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = (r.stdout ?? '').trim().split('\n');
  const last = lines.pop() ?? '';
  if (lines.length) process.stderr.write(lines.map((l) => `bench: native: ${l}\n`).join(''));
  try {
    return JSON.parse(last) as NativeResult;
  } catch {
    return { error: `bench/native.ts gave no result (${r.error?.message ?? `exit ${r.status ?? r.signal}`})` };
  }
}

/** The learner's figures in Chromium, through the exported site (bench/browser.ts), per JIT setting. */
function browser(jits: string[]): { chromium?: string; variants: Record<string, Figures | { error: string }> } | { error: string } {
  if (!existsSync(join(HERE, '..', 'out/vm/manifest.json'))) return { error: 'no exported site in out/: run `npm run site:build` first' };
  process.stderr.write(`bench: Chromium through the exported site, JIT ${jits.join(', ')}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(HERE, 'browser.ts'), ...jits], {
    encoding: 'utf8', timeout: 60 * 60_000, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    return JSON.parse((r.stdout ?? '').trim().split('\n').pop() ?? '');
  } catch {
    return { error: `bench/browser.ts gave no result (${r.error?.message ?? `exit ${r.status ?? r.signal}`})` };
  }
}

const fmtMs = (v?: number) => (v === undefined ? 'n/a' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);
const fmtMB = (v?: number) => (v === undefined ? 'n/a' : `${(v / 1e6).toFixed(1)} MB`);

function main(): void {
  if (process.argv.includes('--native-only')) {
    const nat = native();
    process.stdout.write(JSON.stringify(nat, null, 1) + '\n');
    process.exit('error' in nat ? 1 : 0);
  }
  if (!existsSync(join(vmDir, 'manifest.json'))) {
    process.stderr.write(`No lab image in ${vmDir}. Build it with \`npm run lab:image\`.\n`);
    process.exit(1);
  }
  const manifest = JSON.parse(readFileSync(join(vmDir, 'manifest.json'), 'utf8')) as Manifest;
  const web = browser(['off', 'lab']);
  const boot = scenario('boot', []);
  // JIT off, as in the page.
  const split = scenario<Breakdown>('breakdown', [], ['--no-jit']);
  const variants: Record<string, Figures | { error: string }> = {
    'lab driver': scenario('restore', []),
    'JIT off': scenario('restore', [], ['--no-jit']),
    'v86 JIT limits': scenario('restore', [], ['--v86-jit-defaults']),
  };
  const nat = native();
  const base = variants['lab driver'] as Figures;
  const n = 'error' in nat ? undefined : nat.figures;

  // The targets, as learners feel them: Chromium first (the page's default and the other JIT
  // setting), then Node's figures for the same things.
  const targetRows: string[] = [];
  const webVariants = 'error' in web ? {} : web.variants;
  const col = (v: Figures | { error: string } | undefined, key: string, fmt: (x?: number) => string) =>
    !v ? 'n/a' : 'error' in v ? 'error' : fmt((v as Figures)[key]);
  const target = (label: string, key: string, goal: number, fmt: (x?: number) => string, nodeKey: string | null = key) => {
    const chrome = Object.entries(webVariants).map(([k, v]) => `${col(v, key, fmt)} (JIT ${k})`).join(', ');
    const node = nodeKey ? Object.entries(variants).map(([k, v]) => `${col(v, nodeKey, fmt)} (${k})`).join(', ') : '—';
    const nv = n && nodeKey && n[nodeKey] ? fmtMs(n[nodeKey]) : '—';
    targetRows.push(`| ${label} | ${Number.isNaN(goal) ? '—' : `≤ ${fmt(goal)}`} | ${chrome || 'n/a'} | ${node} | ${nv} |`);
  };
  target('first `ctr run --rm busybox echo` after a restore', 'ctrRunFirstMs', 4000, fmtMs);
  target('first `ctr run` after a restore, typed after 15 s of reading (the warm-up done)', 'ctrRunFirstAfterReadingMs', 4000, fmtMs, null);
  target('warm `ctr run`, second', 'ctrRunSecondMs', 2500, fmtMs);
  target('warm `ctr run`, third', 'ctrRunThirdMs', 2500, fmtMs);
  target('`crictl runp` + `create` + `start` after a restore', 'crictlRunpCreateStartMs', 8000, fmtMs);
  target('`runc run` of a prepared bundle', 'runcRunFirstMs', 1000, fmtMs);
  target('navigation to a usable prompt, warm browser cache (a reload)', 'navigationToPromptWarmMs', 1500, fmtMs, null);
  target('navigation to a usable prompt, lab files in the service worker cache (a later visit)', 'navigationToPromptCachedMs', 1500, fmtMs, null);
  target('navigation to a usable prompt, first visit', 'navigationToPromptMs', Number.NaN, fmtMs, null);
  target('bytes before the first prompt', 'bytesBeforePrompt', 25e6, fmtMB, 'bytesBeforeFirstAnswer');
  target('renderer memory after restore', 'rendererRssAfterRestoreBytes', Number.NaN, fmtMB, null);
  target('renderer memory after 5 resets (Node: peak RSS)', 'rendererRssAfterResetsBytes', 600e6, fmtMB, 'maxRssBytes');
  target('`crictl pods`', 'crictlPodsMs', Number.NaN, fmtMs, null);
  target('Reset → ready', 'resetToReadyMs', Number.NaN, fmtMs, null);

  const rows: Array<[string, string, string?]> = [];
  const b = boot as Figures;
  rows.push(['cold boot to shell prompt', fmtMs(b.bootToShellMs)]);
  rows.push(['cold boot to agent answering', fmtMs(b.bootToAgentMs)]);
  rows.push(['cold boot to containerd ready', fmtMs(b.bootToReadyMs)]);
  rows.push(['9p bytes read until ready: total / unique', `${fmtMB(b.fsBytesReadUntilReady)} / ${fmtMB(b.fsBytesUniqueUntilReady)}`,
    b.fsBytesUniqueUntilReady ? `${(b.fsBytesReadUntilReady / b.fsBytesUniqueUntilReady).toFixed(2)}× (target ≤ 1.2×)` : undefined]);
  rows.push(['files loaded before restore (wasm, BIOS, state)', fmtMs(base.loadMs)]);
  rows.push(['restore to first answer', fmtMs(base.restoreToFirstAnswerMs), 'target ≤ 1 s']);
  rows.push(['restore to containerd ready', fmtMs(base.restoreToReadyMs)]);
  rows.push(['bytes before the first answer', fmtMB(base.bytesBeforeFirstAnswer), 'target ≤ 30 MB']);
  const cmd = (label: string, key: string, target?: string) => {
    const parts = Object.entries(variants).map(([k, v]) => `${k}: ${'error' in v ? 'error' : fmtMs((v as Figures)[key])}`);
    const ratio = n && n[key] && !('error' in nat) ? ` | native ${nat.arch} ${fmtMs(n[key])}, emulated/native ${(base[key] / n[key]).toFixed(0)}×` : '';
    rows.push([label, parts.join('; ') + ratio, target]);
  };
  rows.push(['native baseline', 'error' in nat
    ? `not measured${nat.arch ? ` (${nat.arch})` : ''}: see below`
    : `host-architecture (${nat.arch}) builds of the same versions, Debian sid, on the host kernel: ` +
      Object.entries(nat.versions).map(([k, v]) => `${k} ${v}`).join(', ')]);
  cmd('a command through the guest agent (`true`, fastest of 3): what each check adds', 'agentTrueMs');
  cmd('ctr version, first after restore', 'ctrVersionFirstMs');
  cmd('ctr version, second', 'ctrVersionSecondMs');
  cmd('ctr run --rm busybox echo, first after restore', 'ctrRunFirstMs', 'target ≤ 5 s');
  cmd('ctr run --rm busybox echo, second', 'ctrRunSecondMs');
  cmd('runc run, first after restore', 'runcRunFirstMs');
  cmd('runc run, second', 'runcRunSecondMs');
  cmd('crun run, first after restore', 'crunRunFirstMs');
  cmd('crun run, second', 'crunRunSecondMs');
  rows.push(['9p bytes read in the restore scenario: total / unique', `${fmtMB(base.fsBytesRead)} / ${fmtMB(base.fsBytesUnique)}`,
    base.fsBytesUnique ? `${(base.fsBytesRead / base.fsBytesUnique).toFixed(2)}×` : undefined]);
  rows.push(['state size raw / zstd', `${fmtMB(manifest.files.state.rawSize)} / ${fmtMB(manifest.files.state.size)}`]);
  rows.push(['guest memory / used after boot', `${manifest.machine.memoryMiB} MiB / ${(manifest.snapshot.guestMemUsedKiB / 1024).toFixed(0)} MiB`]);
  rows.push(['Node RSS (peak), restore scenario', Object.entries(variants).map(([k, v]) => `${k}: ${'error' in v ? 'error' : fmtMB((v as Figures).maxRssBytes)}`).join('; '), 'target ≤ 600 MB']);
  rows.push(['Node RSS (peak), cold boot', fmtMB(b.maxRssBytes)]);

  const w = Math.max(...rows.map((r) => r[0].length));
  const lines = [
    `Targets (Chromium ${'error' in web ? '(not measured)' : web.chromium} through the exported site; Node through the same driver):`,
    '| target | goal | Chromium | Node | native |', '| --- | --- | --- | --- | --- |', ...targetRows, '',
    '| figure | value | note |', '| --- | --- | --- |', ...rows.map(([k, v, t]) => `| ${k.padEnd(w)} | ${v} | ${t ?? ''} |`),
    ...breakdownLines(split)];
  const webErrors = 'error' in web ? { chromium: web } : Object.fromEntries(Object.entries(webVariants).map(([k, v]) => [`Chromium JIT ${k}`, v]));
  const errors = Object.entries({ ...webErrors, boot, ...variants, native: nat }).filter(([, v]) => 'error' in v);
  for (const [k, v] of errors) lines.push(`\n${k}: ${(v as { error: string }).error}`);
  process.stdout.write(lines.join('\n') + '\n');
  const out = join(HERE, 'results.json');
  writeFileSync(out + '.tmp', JSON.stringify({ at: new Date().toISOString(), manifest: { recipeKey: manifest.recipeKey, machine: manifest.machine, state: manifest.files.state },
    browser: web, boot, restore: variants, breakdown: split, native: nat }, null, 1));
  renameSync(out + '.tmp', out);
  process.stdout.write(`\nwrote ${out}\n`);
}

main();
