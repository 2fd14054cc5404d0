// Boots the freshly built image in Node through the lab driver, imports the preloaded images,
// warms what the lessons use, and saves the compressed state that every lab session restores.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabMachine } from '../../src/vm/machine.ts';
import { DiskAssets } from '../../src/vm/node-assets.ts';
import { PromptMarkScanner } from '../../src/lab/prompt-marks.ts';
import type { Manifest } from '../../src/vm/manifest.ts';
import { BuildError, log, run, warn } from './util.ts';
import { DEFAULT_TARGET, ENABLED_UNITS } from './rootfs.ts';

/** Run in the guest; a failure stops the build with the command's own output. */
async function must(m: LabMachine, what: string, script: string, timeout = 120_000): Promise<string> {
  const r = await m.exec(script, { timeout });
  if (r.exitCode !== 0) throw new BuildError(`${what} failed in the guest (exit ${r.exitCode}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

const IMPORT = `set -e
for ns in default k8s.io; do
  for image in busybox pause nginx; do ctr -n "$ns" images import "/root/images/$image.tar" >/dev/null; done
done
# nginx runs from its snapshots; its compressed layer (5.7 MB of gzip, which costs its whole size in
# the state) goes, as the CRI's discard_unpacked_layers would drop it. busybox keeps its layer:
# lesson 5 exports it. A synchronous image removal runs containerd's collector, which deletes the blob.
layers=$(ctr content get "$(ctr images ls | awk '$1 == "docker.io/library/nginx:latest" { print $3 }')" | jq -r '.layers[].digest')
for ns in default k8s.io; do ctr -n "$ns" content rm $layers >/dev/null; done
ctr images tag docker.io/library/nginx:latest lab.invalid/collect:now >/dev/null
ctr images rm --sync lab.invalid/collect:now >/dev/null
for l in $layers; do ! test -e "/var/lib/containerd/io.containerd.content.v1.content/blobs/sha256/\${l#sha256:}" || { echo "nginx's layer $l is still in the content store"; exit 1; }; done
ctr -n k8s.io images ls -q`;

/**
 * containerd unpacked each preloaded image into its snapshotter's folder in both namespaces, in tmpfs:
 * the guest's memory, so the state. A committed snapshot is only ever an overlayfs lower folder,
 * read and never written, and overlayfs takes a lower folder on 9p. So each one becomes a symlink to
 * the same layer unpacked on the 9p root by the builder, after checking the two trees agree (names,
 * types, sizes, modes, owners, link targets; contents are the same tar's). containerd keeps its
 * records; removing such a snapshot removes the link.
 */
export function linkLayersScript(images: Manifest['images']): string {
  const each = images.map((i) => `for ns in default k8s.io; do link "$ns" '${i.diffId}' '${i.layer}' '${i.ref}'; done`).join('\n');
  return `set -eu
root=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots
tree() { (cd "$1" && { find . ! -type l ! -type d -printf '%P %y %s %m %U:%G\\n'; find . -type d -printf '%P/ %m %U:%G\\n'; find . -type l -printf '%P -> %l\\n'; } | LC_ALL=C sort); }
link() {
  ns=$1 chain=$2 layer=$3 ref=$4
  dir=$(ctr -n "$ns" snapshots view --mounts lab-layer-map "$chain" | jq -r '.[0] | .Source // .source')
  ctr -n "$ns" snapshots rm lab-layer-map 2>/dev/null || true  # ctr made it in a lease of its own: the collector may be first
  case "$dir" in "$root"/*/fs) ;; *) echo "$ref in $ns: its snapshot is mounted from '$dir', not from a folder of $root"; exit 1 ;; esac
  [ -d "$layer" ] || { echo "$ref: no layer folder $layer on the root filesystem"; exit 1; }
  if [ "$(tree "$dir" | sha256sum)" != "$(tree "$layer" | sha256sum)" ]; then
    echo "$ref in $ns: containerd's unpacked snapshot $dir and $layer differ:"; diff <(tree "$dir") <(tree "$layer") | head -n 20; exit 1
  fi
  rm -rf "$dir"; ln -s "$layer" "$dir"
}
${each}
ctr run --rm docker.io/library/busybox:latest lab-layer-check cat /etc/hostname >/dev/null
du -sk "$root" | cut -f1`;
}

// Each binary a lesson runs, once, so containerd's and the guest's own lazy set-up is in the snapshot.
const WARM = `set -e
ctr version >/dev/null
ctr run --rm docker.io/library/busybox:latest lab-warm-runc true
ctr run --rm --runc-binary /usr/bin/crun docker.io/library/busybox:latest lab-warm-crun true
ctr run --rm --cni docker.io/library/busybox:latest lab-warm-cni true
runc --version >/dev/null; crun --version >/dev/null
systemctl status containerd >/dev/null; journalctl -u containerd -n 1 >/dev/null
ip addr >/dev/null; lsns >/dev/null; unshare --help >/dev/null; nsenter --help >/dev/null
ctr -n k8s.io containers ls >/dev/null; ctr -n k8s.io tasks ls >/dev/null
rm -rf /var/lib/cni/networks/containerd-net/10.* /var/lib/cni/networks/containerd-net/last_reserved_ip.0 2>/dev/null || true`;

// Starting containerd read ~32 MB of its 40 MB binary into the page cache (read-ahead around Go's
// scattered start-up code), mapped, so no cache drop frees it: 8.5 MB of the compressed state, a
// third of it. Reclaim every page the kernel can take back, then let the daemons idle: what they
// touch on their own comes back into the state, so a restored lab mostly idles without reading over
// 9p (the idle containerd still touches one reclaimed page of its binary some seconds to minutes
// after a restore, and 9p then fetches the whole file: the README's performance section); the rest
// the page's warm-up (src/lab/warm-up.ts) reads while the learner reads.
// memory.reclaim answers EAGAIN when it freed less than asked, which is the point here.
const RECLAIM = `rss() { awk '/^Rss/ { print $2 }' /proc/$(pidof containerd)/smaps_rollup; }
before=$(rss)
echo 1G > /sys/fs/cgroup/memory.reclaim 2>/dev/null || true
sleep 20
echo "$before $(rss)"`;

// The commands a restore and a lesson's setup run first (LabMachine.afterRestore, content/*/lesson.yaml).
const RESTORE_PATH = 'test -S /run/containerd/containerd.sock && pidof containerd >/dev/null && systemctl is-active --quiet containerd && rm -f /tmp/.lab-warm && date >/dev/null';

export interface SnapshotResult {
  info: Manifest['snapshot'];
  rawSize: number;
}

/**
 * The configuration steps that ran in the guest on this boot, and a check of those the builder did
 * on the host in the guest's stead: the guest's own tools must agree with them.
 */
function provisioningCheck(masked: string[]): string {
  const q = (xs: string[]) => xs.map((x) => `'${x}'`).join(' ');
  return `set -u
bad() { echo "$*"; failed=1; }
failed=0
# guest: lab-depmod.service, systemd-sysusers.service, ldconfig.service, lab-containerd-config.service
for u in lab-depmod.service systemd-sysusers.service ldconfig.service lab-containerd-config.service; do
  [ "$(systemctl show -P Result "$u")" = success ] && [ "$(systemctl show -P ActiveState "$u")" = active ] || bad "$u did not run: $(systemctl status --no-pager -n 20 "$u" 2>&1)"
done
getent passwd messagebus >/dev/null || bad "systemd-sysusers did not add dbus's user"
getent group systemd-journal >/dev/null || bad "systemd-sysusers did not add systemd-journal"
[ -s /etc/ld.so.cache ] || bad "ldconfig wrote no /etc/ld.so.cache"
[ -s "/usr/lib/modules/$(uname -r)/modules.dep.bin" ] || bad "depmod wrote no modules.dep.bin"
lsmod | grep -q '^overlay ' || bad "systemd-modules-load did not load overlay"
grep -q "^# containerd config default of this containerd" /etc/containerd/config.toml || bad "no containerd config written"
# host-made unit links, as the guest's systemctl sees them
for u in ${q(ENABLED_UNITS)}; do s=$(systemctl is-enabled "$u" 2>&1); [ "$s" = enabled ] || bad "$u: is-enabled says $s"; done
for u in ${q(masked)}; do s=$(systemctl is-enabled "$u" 2>&1); [ "$s" = masked ] || bad "$u: is-enabled says $s, not masked"; done
[ "$(systemctl get-default)" = ${DEFAULT_TARGET} ] || bad "default target: $(systemctl get-default)"
exit $failed`;
}

/** Sends the console's shell an empty line and waits for its next prompt (the OSC 133 mark A). */
async function consolePrompt(m: LabMachine, timeoutMs = 60_000): Promise<void> {
  let off = () => {};
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const marks = new PromptMarkScanner((mark) => mark.kind === 'A' && resolve());
      off = m.onConsole((bytes) => marks.push(bytes));
      timer = setTimeout(() => reject(new BuildError(`the console's shell printed no prompt within ${timeoutMs / 1000} s of an empty line`)), timeoutMs);
      m.writeConsole(new TextEncoder().encode('\r'));
    });
  } finally {
    clearTimeout(timer);
    off();
  }
}

export async function takeSnapshot(stage: string, manifest: Manifest, masked: string[]): Promise<SnapshotResult> {
  const m = await LabMachine.start({ assets: new DiskAssets(stage), mode: 'boot', fileCacheBytes: 0 });
  try {
    const bootToAgentMs = m.timings.toFirstAnswer;
    const bootToReadyMs = m.timings.toReady;
    log(`guest ready after ${(bootToReadyMs / 1000).toFixed(1)} s of cold boot`);
    const state = (await must(m, 'systemd status', 'systemctl is-system-running || { systemctl --failed --no-legend; exit 0; }')).trim();
    if (state !== 'running') warn(`systemd is not fully "running" in the guest:\n${state}`);
    const check = await m.exec(provisioningCheck(masked), { timeout: 180_000 });
    if (check.exitCode !== 0) throw new BuildError(`the guest's configuration on the build's boot is not what it should be:\n${check.stdout}${check.stderr}`);
    log('[guest] checked: depmod, sysusers, ldconfig and the containerd config ran in the guest; the unit links made on the host are what the guest\'s systemctl reports');
    const refs = (await must(m, 'image import', IMPORT, 300_000)).trim().split('\n').sort();
    const want = manifest.images.map((i) => i.ref).sort();
    if (want.some((r) => !refs.includes(r))) throw new BuildError(`image import: k8s.io lists ${refs.join(', ')}; expected ${want.join(', ')}`);
    log(`images imported into default and k8s.io: ${refs.join(', ')}`);
    const left = (await must(m, 'layer links', linkLayersScript(manifest.images))).trim();
    log(`[guest] the images' snapshots now point at their layers on the 9p root (${left} KiB left in the snapshotter's tmpfs)`);
    await must(m, 'warm-up', WARM, 300_000);
    const rss = (await must(m, 'reclaim', RECLAIM, 120_000)).trim().split(' ');
    log(`[guest] containerd's resident memory ${rss[0]} -> ${rss[1]} KiB: its binary's pages leave the state, the page's warm-up reads them back`);
    // Free what the guest can give back: page cache, empty slabs (freed pages are zeroed by
    // init_on_free=1), then compact. Zeroed pages cost next to nothing in the compressed state.
    const used = await must(m, 'cache drop', `sync; echo 3 > /proc/sys/vm/drop_caches
for f in /sys/kernel/slab/*/shrink; do echo 1 > "$f"; done 2>/dev/null
echo 1 > /proc/sys/vm/compact_memory
awk '/MemTotal/{t=$2} /MemAvailable/{a=$2} END{print t-a}' /proc/meminfo`);
    // What every restore runs before the learner's prompt (the driver's first commands through the
    // agent, a lesson setup's pidof or systemctl), once more after the drop: their pages go into the
    // state. Without them each restore fetched bash, libsystemd-shared, systemctl, date, rm and
    // libtinfo over 9p one after another before Ready (7 requests, 3.4 MB: felt on a slow network,
    // not measurable on loopback).
    await must(m, 'restore-path warm-up', `${RESTORE_PATH}\n${RESTORE_PATH}`);
    // The page nudges the console's shell to print a prompt after every restore (lab-client.ts):
    // its line editor's pages go into the state too, or (when the reclaim above took them) a first
    // visit fetched bash, 1.5 MB, over 9p before the prompt.
    await consolePrompt(m);
    const raw = new Uint8Array(await m.saveState());
    writeFileSync(join(stage, 'state.bin'), raw);
    log(`state saved: ${(raw.length / 1e6).toFixed(1)} MB raw; compressing (zstd -19, 32 MiB window)`);
    // A long window finds the repeats across the guest's memory (-12..-18% against the default);
    // v86's decoder accepts it, and 32 MiB keeps the decoder's buffer modest in a browser.
    run('zstd', ['-q', '-19', '--long=25', '-T2', '--rm', '-f', join(stage, 'state.bin'), '-o', join(stage, 'state.bin.zst')]);
    return { info: { bootToAgentMs, bootToReadyMs, guestMemUsedKiB: Number(used.trim()) }, rawSize: raw.length };
  } finally {
    await m.destroy();
  }
}
