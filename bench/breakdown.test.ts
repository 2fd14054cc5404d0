import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelCtrRun, parseTrace } from './breakdown.ts';

// An excerpt of a real trace (the guest's tracefs), trimmed: ctr, the shim twice, runc's steps.
const TRACE = `
            bash-781     [000] .....   100.000000: tracing_mark_write: LAB-TRACE-START
            date-783     [000] .....    99.000000: sched_process_exec: filename=/usr/bin/date pid=783 old_pid=783
             ctr-784     [000] .....   100.341000: sched_process_exec: filename=/usr/bin/ctr pid=784 old_pid=784
 containerd-shim-791     [000] .....   103.129000: sched_process_exec: filename=/usr/bin/containerd-shim-runc-v2 pid=791 old_pid=791
 containerd-shim-799     [000] .....   104.095000: sched_process_exec: filename=/usr/bin/containerd-shim-runc-v2 pid=799 old_pid=799
 containerd-shim-791     [000] .....   104.246000: sched_process_exit: comm=containerd-shim pid=791 prio=120
            runc-812     [000] .....   105.321000: sched_process_exec: filename=/usr/sbin/runc pid=812 old_pid=812
            runc-823     [000] .....   106.183000: sched_process_exec: filename=/proc/self/fd/6 pid=823 old_pid=823
            runc-823     [000] .....   106.329000: sched_process_exec: filename=/bin/echo pid=823 old_pid=823
            runc-812     [000] .....   107.389000: sched_process_exit: comm=runc pid=812 prio=120
            echo-823     [000] .....   107.400000: sched_process_exit: comm=echo pid=823 prio=120
            runc-831     [000] .....   107.683000: sched_process_exec: filename=/usr/sbin/runc pid=831 old_pid=831
            runc-831     [000] .....   108.114000: sched_process_exit: comm=runc pid=831 prio=120
 containerd-shim-799     [000] .....   109.648000: sched_process_exit: comm=containerd-shim pid=799 prio=120
 containerd-shim-844     [000] .....   109.717000: sched_process_exec: filename=/usr/bin/containerd-shim-runc-v2 pid=844 old_pid=844
 containerd-shim-844     [000] .....   110.679000: sched_process_exit: comm=containerd-shim pid=844 prio=120
             ctr-784     [000] .....   110.949000: sched_process_exit: comm=ctr pid=784 prio=120
            bash-781     [000] .....   111.000000: tracing_mark_write: LAB-TRACE-END
            date-934     [000] .....   111.100000: sched_process_exec: filename=/usr/bin/date pid=934 old_pid=934
`;

test('the processes between the markers, each from its exec to its exit (or its next exec)', () => {
  const spans = parseTrace(TRACE);
  assert.deepEqual(spans.map((s) => s.program), [
    '/usr/bin/ctr', '/usr/bin/containerd-shim-runc-v2', '/usr/bin/containerd-shim-runc-v2', '/usr/sbin/runc',
    'runc init (re-exec of runc)', '/bin/echo', '/usr/sbin/runc', '/usr/bin/containerd-shim-runc-v2',
  ]);
  assert.equal(Math.round(spans[0].startMs), 341);
  assert.equal(Math.round(spans[0].ms), 10608);
  assert.equal(Math.round(spans[4].ms), 146, 'runc init ends when it execs the container\'s command');
});

test('the steps of a ctr run are named by their order', () => {
  const roles = labelCtrRun(parseTrace(TRACE), 'echo').map((s) => s.role);
  assert.deepEqual(roles, [
    'ctr (client: whole command)', 'shim start (forks the shim daemon)', 'shim daemon (serves the task until it exits)', 'runc create',
    'runc init (sets up namespaces, then execs the command)', "echo (the container's command)", 'runc start', 'shim delete (cleans up after the task)',
  ]);
});
