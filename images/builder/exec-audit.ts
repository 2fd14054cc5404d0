// Proof that the image build runs no foreign-architecture program on the host: `npm run lab:image`
// runs itself under `strace -f -e trace=execve` (seccomp-filtered, so only execve stops), then
// reads every program that was executed, or that the kernel refused as ENOEXEC, and checks its
// ELF machine against the host's. A foreign one fails the build and discards it. The record of a
// finished build is kept beside it in the build cache (exec-audit.json); the test suite checks it.
import { closeSync, existsSync, openSync, readSync, readFileSync, realpathSync } from 'node:fs';

/** ELF e_machine values worth naming. */
const MACHINES: Record<number, string> = { 3: 'i386', 62: 'x86-64', 40: 'arm', 183: 'aarch64', 243: 'riscv', 21: 'ppc64', 22: 's390' };

export function hostMachine(arch = process.arch): number {
  const byNode: Record<string, number> = { x64: 62, ia32: 3, arm64: 183, arm: 40, riscv64: 243, ppc64: 21, s390x: 22 };
  const m = byNode[arch];
  if (m === undefined) throw new Error(`exec audit: unknown host architecture ${arch}`);
  return m;
}

export function machineName(m: number): string {
  return MACHINES[m] ?? `e_machine ${m}`;
}

export interface ExecAttempt {
  path: string;
  /** "0" for a successful execve, else the errno name (ENOEXEC: the kernel could not run it). */
  result: string;
}

/** The execve calls in an strace -f log, unfinished/resumed pairs joined. */
export function parseExecTrace(log: string): ExecAttempt[] {
  const out: ExecAttempt[] = [];
  const pending = new Map<string, string>();
  const unquote = (s: string) => s.replace(/\\(x[0-9a-f]{2}|[0-7]{1,3}|.)/gi, (_, e: string) =>
    e[0] === 'x' ? String.fromCharCode(parseInt(e.slice(1), 16)) : /^[0-7]+$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : ({ n: '\n', t: '\t', '"': '"', '\\': '\\' } as Record<string, string>)[e] ?? e);
  for (const line of log.split('\n')) {
    const call = /^(\d+)\s+execve\("((?:[^"\\]|\\.)*)"/.exec(line);
    if (call) {
      if (line.includes('<unfinished ...>')) pending.set(call[1], unquote(call[2]));
      else out.push({ path: unquote(call[2]), result: resultOf(line) });
      continue;
    }
    const resumed = /^(\d+)\s+<\.\.\. execve resumed>/.exec(line);
    if (resumed && pending.has(resumed[1])) {
      out.push({ path: pending.get(resumed[1])!, result: resultOf(line) });
      pending.delete(resumed[1]);
    }
  }
  return out;
}

function resultOf(line: string): string {
  const m = /=\s+(-?\d+)(?:\s+([A-Z][A-Z0-9]+))?[^=]*$/.exec(line);
  if (!m) return '?';
  return m[1] === '0' ? '0' : (m[2] ?? m[1]);
}

/** The ELF machine of a file, following one #! line; undefined for a file that is neither. */
export function elfMachine(path: string, depth = 0): number | undefined {
  const buf = Buffer.alloc(256);
  let n = 0;
  const fd = openSync(path, 'r');
  try {
    n = readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
  if (n >= 20 && buf.readUInt32BE(0) === 0x7f454c46) return buf[5] === 2 ? buf.readUInt16BE(18) : buf.readUInt16LE(18);
  if (depth === 0 && buf.subarray(0, 2).toString() === '#!') {
    const interp = buf.subarray(2, n).toString().split('\n')[0].trim().split(/\s+/)[0];
    return interp && existsSync(interp) ? elfMachine(interp, 1) : undefined;
  }
  return undefined;
}

export interface ExecAudit {
  hostArch: string;
  traced: boolean;
  /** Every distinct program executed (or refused), with its machine and how often. */
  programs: Array<{ path: string; machine: string; count: number }>;
  foreign: Array<{ path: string; machine: string; result: string }>;
  /** Programs gone by the time of the audit (temporary files): their architecture is unknown. */
  vanished: string[];
}

export function auditExecs(attempts: ExecAttempt[], host = hostMachine()): ExecAudit {
  const seen = new Map<string, { machine: string; count: number }>();
  const foreign: ExecAudit['foreign'] = [];
  const vanished: string[] = [];
  for (const a of attempts) {
    // ENOENT/EACCES are PATH look-ups and the like: nothing ran. ENOEXEC is a refused foreign binary.
    if (a.result !== '0' && a.result !== 'ENOEXEC') continue;
    let path = a.path;
    try {
      path = realpathSync(a.path);
    } catch {
      /* keep the name as executed */
    }
    const known = seen.get(path);
    if (known) {
      known.count++;
      continue;
    }
    if (!existsSync(path)) {
      vanished.push(path);
      seen.set(path, { machine: 'gone', count: 1 });
      continue;
    }
    const m = elfMachine(path);
    const machine = m === undefined ? 'not ELF' : machineName(m);
    seen.set(path, { machine, count: 1 });
    if ((m !== undefined && m !== host) || a.result === 'ENOEXEC') foreign.push({ path, machine, result: a.result });
  }
  return {
    hostArch: machineName(host),
    traced: true,
    programs: [...seen].map(([path, v]) => ({ path, ...v })).sort((a, b) => a.path.localeCompare(b.path)),
    foreign,
    vanished,
  };
}

export function auditTraceFile(file: string): ExecAudit {
  return auditExecs(parseExecTrace(readFileSync(file, 'utf8')));
}
