#!/usr/bin/env bash
# The benchmark's native baseline, timed: host-architecture builds of the lab image's containerd,
# ctr, runc and crun (unpacked by bench/native.ts into <root>) run on the host kernel, in a chroot of
# <root> with private mount and PID namespaces: nothing runs from the host's own packages but the
# setup (unshare, mount, chroot), and everything ends with the namespaces. The same commands as the
# emulated scenario (bench/scenario.ts). Prints one JSON line of milliseconds; on failure, exits 1
# with one sentence on stderr. Needs root.  usage: native.sh <root>
set -euo pipefail
self=$(readlink -f "$0")

case ${1-} in
--inside)
  # In the chroot, with the root's own (host-architecture) bash, coreutils, jq and mount.
  export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin LC_ALL=C
  fail() { echo "$*" >&2; exit 1; }
  # Time one command in milliseconds (microsecond clock, no fork around it); its output is dropped as in the VM.
  t() {
    local a=$EPOCHREALTIME b d
    "$@" >/tmp/out 2>&1 || fail "\`$*\` failed natively: $(tail -n 2 /tmp/out | tr '\n' ' ')"
    b=$EPOCHREALTIME
    d=$(( 10#${b/./} - 10#${a/./} ))
    printf '%d.%03d' $(( d / 1000 )) $(( d % 1000 ))
  }
  containerd >/tmp/containerd.log 2>&1 &
  for _ in $(seq 100); do [ -S /run/containerd/containerd.sock ] && ctr version >/dev/null 2>&1 && break; sleep 0.1; done
  ctr version >/dev/null 2>&1 || fail "containerd did not answer within 10 s: $(tail -n 2 /tmp/containerd.log | tr '\n' ' ')"
  ctr images import /root/images/busybox.tar >/tmp/out 2>&1 || fail "ctr images import failed: $(tail -n 2 /tmp/out | tr '\n' ' ')"
  img=docker.io/library/busybox:latest
  v1=$(t ctr version); v2=$(t ctr version)
  r1=$(t ctr run --rm $img n1 echo hi); r2=$(t ctr run --rm $img n2 echo hi)
  mkdir -p /tmp/b/rootfs /mnt/bb
  { ctr images mount $img /mnt/bb && cp -a /mnt/bb/. /tmp/b/rootfs/ && ctr images unmount /mnt/bb; } >/tmp/out 2>&1 ||
    fail "the runc bundle could not be made from the busybox image: $(tail -n 2 /tmp/out | tr '\n' ' ')"
  cd /tmp/b
  { runc spec && jq '.process.terminal=false | .process.args=["echo","hi"]' config.json >c && mv c config.json; } 2>/tmp/out ||
    fail "runc spec or its edit failed: $(tail -n 2 /tmp/out | tr '\n' ' ')"
  # A pure cgroup2 view for the low-level runtimes: crun refuses a hybrid v1+v2 layout.
  umount -l /sys && mount -t sysfs sysfs /sys && mount -t cgroup2 cgroup2 /sys/fs/cgroup
  u1=$(t runc run nr1); u2=$(t runc run nr2); c1=$(t crun run nc1); c2=$(t crun run nc2)
  printf '{"ctrVersionFirstMs":%s,"ctrVersionSecondMs":%s,"ctrRunFirstMs":%s,"ctrRunSecondMs":%s,' "$v1" "$v2" "$r1" "$r2"
  printf '"runcRunFirstMs":%s,"runcRunSecondMs":%s,"crunRunFirstMs":%s,"crunRunSecondMs":%s}\n' "$u1" "$u2" "$c1" "$c2"
  ;;
--ns)
  # In the new mount and PID namespaces, still with the host's tools: set the root up and enter it.
  root=$2
  mount --make-rprivate /
  mount --bind "$root" "$root" # runc wants / to be a mount point
  mount -t proc proc "$root/proc"
  mount --rbind /sys "$root/sys"
  mount --rbind /dev "$root/dev"
  for d in run tmp mnt var/lib/containerd; do mount -t tmpfs tmpfs "$root/$d"; done
  cp "$self" "$root/tmp/native.sh"
  exec chroot "$root" /usr/bin/bash /tmp/native.sh --inside
  ;;
*)
  root=$(readlink -f "$1")
  [[ $(id -u) -eq 0 ]] || { echo 'the native baseline needs root (it unshares mount and PID namespaces, mounts and chroots)' >&2; exit 1; }
  [[ -x $root/usr/bin/containerd ]] || { echo "$root holds no containerd" >&2; exit 1; }
  if ! err=$(unshare --mount --pid --fork true 2>&1); then
    echo "this host does not let the benchmark unshare mount and PID namespaces ($err)" >&2
    exit 1
  fi
  exec unshare --mount --pid --fork bash "$self" --ns "$root"
  ;;
esac
