#!/usr/bin/env bash
# The benchmark's native baseline: the guest's own i386 binaries (containerd, ctr, runc, crun) run
# on the host kernel, in a chroot of the guest's root filesystem with private mount and PID
# namespaces. Prints one JSON line of milliseconds. Needs root.  usage: native.sh <guest rootfs>
set -euo pipefail
root=$1
[[ $(id -u) -eq 0 ]] || { echo '{"error":"needs root"}'; exit 0; }
exec unshare --mount --pid --fork bash -c '
set -euo pipefail
root=$1
mount --make-rprivate /
mount --bind "$root" "$root"  # runc wants / to be a mount point
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
for d in run tmp var/lib/containerd; do mount -t tmpfs tmpfs "$root/$d"; done
chroot "$root" /usr/bin/bash -c "
set -e
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin
ms() { echo \$(( \$(date +%s%N) / 1000000 )); }
t() { local a=\$(ms); \"\$@\" >/dev/null 2>&1 || { echo \"{\\\"error\\\":\\\"\$* failed\\\"}\"; exit 0; }; echo \$(( \$(ms) - a )); }
containerd >/tmp/containerd.log 2>&1 &
for i in \$(seq 100); do [ -S /run/containerd/containerd.sock ] && ctr version >/dev/null 2>&1 && break; sleep 0.1; done
ctr images import /root/images/busybox.tar >/dev/null
v1=\$(t ctr version); v2=\$(t ctr version)
r1=\$(t ctr run --rm docker.io/library/busybox:latest n1 echo hi); r2=\$(t ctr run --rm docker.io/library/busybox:latest n2 echo hi)
mkdir -p /tmp/b/rootfs /mnt/bb && ctr images mount docker.io/library/busybox:latest /mnt/bb >/dev/null && cp -a /mnt/bb/. /tmp/b/rootfs/ && ctr images unmount /mnt/bb >/dev/null
cd /tmp/b && runc spec && jq \".process.terminal=false | .process.args=[\\\"echo\\\",\\\"hi\\\"]\" config.json > c && mv c config.json
# A pure cgroup2 view for the low-level runtimes: crun refuses a hybrid v1+v2 layout.
umount -l /sys && mount -t sysfs sysfs /sys && mount -t cgroup2 cgroup2 /sys/fs/cgroup
u1=\$(t runc run nr1); u2=\$(t runc run nr2); c1=\$(t crun run nc1); c2=\$(t crun run nc2)
echo \"{\\\"ctrVersionFirstMs\\\":\$v1,\\\"ctrVersionSecondMs\\\":\$v2,\\\"ctrRunFirstMs\\\":\$r1,\\\"ctrRunSecondMs\\\":\$r2,\\\"runcRunFirstMs\\\":\$u1,\\\"runcRunSecondMs\\\":\$u2,\\\"crunRunFirstMs\\\":\$c1,\\\"crunRunSecondMs\\\":\$c2}\"
"
' native "$root"
