// What the lab reads in the background once it is ready. The snapshot holds no page cache for the
// container tools, nor most of containerd's own binary (together ~78 MB of guest memory, ~20 MB of
// state: images/builder/snapshot.ts), so right after a restore the learner's first `ctr run` would
// also wait for ctr, containerd, the shim and runc to come over 9p (28 MB from the server, 88 MB in
// the guest). Read here, at the lowest priority, while the learner reads the lesson, they are in the
// guest's page cache by the time a command needs them. It starts no container and talks to no
// daemon: nothing a learner can list (ctr c ls, crictl ps -a, events, logs) changes. busybox's image
// keeps its files on the 9p root too, so its binary is read as well: the first container runs it.
export const WARM_UP_SCRIPT = 'nice -n 19 cat /usr/bin/ctr /usr/bin/containerd /usr/bin/containerd-shim-runc-v2 /usr/sbin/runc /usr/share/runtime-lab/layers/busybox/bin/busybox >/dev/null 2>&1; true';

/** Long enough for a slow link to bring the 28 MB; a warm-up cut short costs nothing. */
export const WARM_UP_TIMEOUT_MS = 300_000;
