// Where the seconds of a `ctr run` go, process by process: the kernel's own sched tracepoints
// (exec, exit) recorded in the guest through tracefs while the command runs, so nothing is added
// to the processes being timed. Used by bench/scenario.ts ("breakdown") and printed by bench.ts.

/** One guest process of the traced command: when it was exec'd (from the command's start) and how long it lived. */
export interface ProcessSpan {
  program: string;
  /** The process's step in the command (e.g. "runc create", "shim start"): set by labelCtrRun. */
  role: string;
  startMs: number;
  ms: number;
}

/** Enables exec/exit tracing, runs `command`, prints the trace between markers. */
export function tracedScript(command: string): string {
  return `set -e
T=/sys/kernel/tracing
[ -d $T/events/sched ] || mount -t tracefs nodev $T
echo 0 > $T/tracing_on; echo > $T/trace; echo 4096 > $T/buffer_size_kb
for e in sched_process_exec sched_process_exit; do echo 1 > $T/events/sched/$e/enable; done
echo 1 > $T/tracing_on
echo LAB-TRACE-START > $T/trace_marker
${command}
echo LAB-TRACE-END > $T/trace_marker
echo 0 > $T/tracing_on
for e in sched_process_exec sched_process_exit; do echo 0 > $T/events/sched/$e/enable; done
grep -v '^#' $T/trace; echo > $T/trace`;
}

const LINE = /^\s*(.+?)-(\d+)\s+\[\d+\]\s+\S+\s+([\d.]+): (\w+): (.*)$/;

/**
 * The processes exec'd between the markers, in order, with their lifetimes. The tracepoint has no
 * argv, so the roles are left empty here: labelCtrRun tells runc's and the shim's sub-commands apart
 * by their order.
 */
export function parseTrace(text: string): ProcessSpan[] {
  let t0: number | undefined;
  let tEnd: number | undefined;
  const open = new Map<number, ProcessSpan & { at: number }>();
  const spans: Array<ProcessSpan & { at: number }> = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [, , pidText, tText, event, rest] = m;
    const t = Number(tText) * 1000;
    const pid = Number(pidText);
    if (event === 'tracing_mark_write') {
      if (rest.includes('LAB-TRACE-START')) t0 = t;
      if (rest.includes('LAB-TRACE-END')) tEnd = t;
      continue;
    }
    if (t0 === undefined || t < t0 || (tEnd !== undefined && t > tEnd)) continue;
    if (event === 'sched_process_exec') {
      const file = /filename=(\S+)/.exec(rest)?.[1] ?? '?';
      const span = { program: file.startsWith('/proc/self/fd/') ? 'runc init (re-exec of runc)' : file, role: '', startMs: t - t0, ms: NaN, at: t };
      // A process that execs again (runc init → the container's command) ends its previous program.
      const prev = open.get(pid);
      if (prev) prev.ms = t - prev.at;
      open.set(pid, span);
      spans.push(span);
    } else if (event === 'sched_process_exit') {
      const span = open.get(pid);
      if (span) {
        span.ms = t - span.at;
        open.delete(pid);
      }
    }
  }
  return spans.map(({ at: _at, ...s }) => s);
}

/** Names the steps of a `ctr run --rm`: the shim runs twice (start, delete), runc three or four times. */
export function labelCtrRun(spans: ProcessSpan[], containerCommand: string): ProcessSpan[] {
  const shim = ['shim start (forks the shim daemon)', 'shim daemon (serves the task until it exits)', 'shim delete (cleans up after the task)'];
  const runc = ['runc create', 'runc start', 'runc delete', 'runc delete (shim delete)'];
  let s = 0;
  let r = 0;
  return spans.map((x) => {
    const base = x.program.split('/').pop() ?? x.program;
    let role = base;
    if (base === 'containerd-shim-runc-v2') role = shim[s++] ?? base;
    else if (base === 'runc') role = runc[r++] ?? base;
    else if (x.program.startsWith('runc init')) role = 'runc init (sets up namespaces, then execs the command)';
    else if (base === 'ctr') role = 'ctr (client: whole command)';
    else if (base === containerCommand) role = `${base} (the container's command)`;
    else if (base === 'flock') role = "flock (the lab agent's message lock: a ping answered meanwhile)";
    return { ...x, role };
  });
}
