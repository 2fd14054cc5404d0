// What the lab reads in the background once it is ready. The snapshot holds no page cache for the
// container tools (it would cost ~46 MB of state), so right after a restore the learner's first
// `ctr run` also waited for ctr, the shim and runc to come over 9p (16 MB from the server, 47 MB in
// the guest; ~2 s in the guest alone). Read here, at the lowest priority, while the learner reads the
// lesson, they are in the guest's page cache by the time a command needs them. It starts no
// container and talks to no daemon: nothing a learner can list (ctr c ls, crictl ps -a, events,
// logs) changes. busybox's image keeps its files on the 9p root too (images/builder/snapshot.ts), so
// its binary is read as well: the first container runs it.
export const WARM_UP_SCRIPT = 'nice -n 19 cat /usr/bin/ctr /usr/bin/containerd-shim-runc-v2 /usr/sbin/runc /usr/share/runtime-lab/layers/busybox/bin/busybox >/dev/null 2>&1; true';

/** Long enough for a slow link to bring the 16 MB; a warm-up cut short costs nothing. */
export const WARM_UP_TIMEOUT_MS = 300_000;
