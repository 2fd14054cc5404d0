// Assembles the guest's root filesystem from unpacked .debs (no maintainer scripts run, nothing is
// installed on the host), then does by hand what those scripts would have done.
//
// No guest (i386) program runs on the host: many hosts cannot execute them (no IA-32 emulation,
// arm64). Each configuration step runs where its result is the guest's own:
//   guest  depmod           lab-depmod.service on the build's boot. (The host's depmod -n only
//                           tells the initramfs its module load order: measured, bookworm's kmod
//                           30 writes other .bin index files than the guest's kmod 34, and no
//                           modules.weakdep, so its files are not the guest's.)
//   host   enable/mask      systemctl only makes symlinks: units.ts makes the same ones, and the
//                           build's boot asks the guest's systemctl to confirm them
//   guest  systemd-sysusers systemd-sysusers.service on the build's boot (as on any first boot)
//   guest  ldconfig         ldconfig.service on the build's boot
//   guest  containerd config default, then the lab's edits: lab-containerd-config.service, before
//                           containerd starts (images/rootfs/usr/local/sbin/lab-containerd-config)
import { existsSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, lstatSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedPackage } from './packages.ts';
import { BuildError, IMAGES, bash, ensureDir, log, run } from './util.ts';
import { enableUnits, maskUnits, setDefaultTarget } from './units.ts';

/** Units an emulated, network-less, udev-less guest does not need; masked when present. */
const MASKED_UNITS = [
  'systemd-logind.service', 'systemd-firstboot.service', 'systemd-random-seed.service',
  'systemd-binfmt.service', 'proc-sys-fs-binfmt_misc.automount', 'proc-sys-fs-binfmt_misc.mount',
  'sys-kernel-debug.mount', 'sys-kernel-tracing.mount', 'sys-kernel-config.mount', 'sys-fs-fuse-connections.mount',
  'dev-hugepages.mount', 'systemd-hwdb-update.service', 'systemd-journal-catalog-update.service',
  'systemd-update-done.service', 'systemd-machine-id-commit.service', 'systemd-update-utmp.service',
  'systemd-update-utmp-runlevel.service', 'systemd-networkd.service', 'systemd-networkd.socket',
  'systemd-networkd-wait-online.service', 'systemd-network-generator.service', 'systemd-resolved.service',
  'systemd-timesyncd.service', 'systemd-pstore.service', 'systemd-rfkill.service', 'systemd-rfkill.socket',
  'systemd-backlight@.service', 'systemd-vconsole-setup.service', 'systemd-oomd.service', 'systemd-oomd.socket',
  'systemd-homed.service', 'systemd-userdbd.service', 'systemd-userdbd.socket', 'systemd-journald-audit.socket',
  'systemd-hibernate-resume.service', 'systemd-boot-random-seed.service', 'systemd-boot-update.service',
  'systemd-bsod.service', 'systemd-confext.service', 'systemd-sysext.service', 'systemd-repart.service',
  'systemd-growfs-root.service', 'systemd-growfs@.service', 'systemd-fsck-root.service', 'systemd-fsck@.service',
  'systemd-quotacheck-root.service', 'systemd-quotacheck@.service', 'systemd-tpm2-setup.service',
  'systemd-tpm2-setup-early.service', 'systemd-tpm2-clear.service', 'systemd-pcrmachine.service',
  'systemd-pcrphase.service', 'systemd-pcrphase-sysinit.service', 'systemd-pcrphase-initrd.service',
  'systemd-pcrfs-root.service', 'systemd-pcrfs@.service', 'systemd-pcrextend.socket', 'systemd-pcrlock.socket',
  'systemd-pcrnvdone.service', 'systemd-pcrproduct.service', 'tpm2.target', 'systemd-mountfsd.service',
  'systemd-mountfsd.socket', 'systemd-nsresourced.service', 'systemd-nsresourced.socket', 'systemd-storagetm.service',
  'systemd-soft-reboot.service', 'systemd-creds.socket', 'systemd-hostnamed.socket', 'systemd-sysext.socket',
  'systemd-confext.socket', 'systemd-portabled.service', 'systemd-machined.service', 'systemd-importd.service',
  'systemd-ask-password-console.path', 'systemd-ask-password-wall.path',
  'systemd-tmpfiles-clean.timer', 'e2scrub_all.timer', 'e2scrub_reap.service', 'fstrim.timer', 'apt-daily.timer',
  'apt-daily-upgrade.timer', 'dpkg-db-backup.timer', 'man-db.timer', 'getty@tty1.service', 'getty@.service',
  'serial-getty@.service', 'console-getty.service', 'getty-static.service', 'systemd-journal-flush.service',
  'modprobe@drm.service', 'modprobe@efi_pstore.service', 'modprobe@dm_mod.service', 'modprobe@loop.service',
  'modprobe@fuse.service', 'modprobe@nvme_fabrics.service', 'systemd-battery-check.service',
  'systemd-ssh-generator', 'systemd-hostnamed.service', 'systemd-udevd.service', 'systemd-udev-trigger.service',
  'systemd-udev-settle.service', 'systemd-udevd-control.socket', 'systemd-udevd-kernel.socket',
  'systemd-remount-fs.service', 'systemd-keyd.service', 'systemd-report-basic.socket', 'systemd-factory-reset.socket',
  'systemd-factory-reset-request.service', 'systemd-factory-reset-reboot.service', 'factory-reset.target',
  'systemd-sysupdate.timer', 'systemd-sysupdate-reboot.timer', 'systemd-journald-varlink@.socket',
  'systemd-tpm2-setup-early.service',
];

/** Generators to switch off: each costs a process start on a 9p root at every boot. */
const DISABLED_GENERATORS = [
  'systemd-getty-generator', 'systemd-gpt-auto-generator', 'systemd-hibernate-resume-generator',
  'systemd-system-update-generator', 'systemd-debug-generator', 'systemd-bless-boot-generator',
  'systemd-cryptsetup-generator', 'systemd-veritysetup-generator', 'systemd-integritysetup-generator',
  'systemd-run-generator', 'systemd-ssh-generator', 'systemd-tpm2-generator', 'systemd-factory-reset-generator',
  'systemd-import-generator', 'systemd-rc-local-generator', 'systemd-sysv-generator', 'systemd-mountfsd-generator',
];

export const ENABLED_UNITS = ['containerd.service', 'lab-containerd-config.service', 'lab-depmod.service', 'lab-agent.service', 'lab-console.service'];
export const DEFAULT_TARGET = 'multi-user.target';

/** Kernel module folders worth shipping: filesystems, networking, virtio. The rest stays out of the index. */
const MODULE_DIRS = ['kernel/fs', 'kernel/net', 'kernel/lib', 'kernel/crypto', 'kernel/drivers/virtio',
  'kernel/drivers/char', 'kernel/drivers/block', 'kernel/drivers/net/veth.ko', 'kernel/drivers/net/virtio_net.ko',
  'kernel/drivers/net/net_failover.ko', 'kernel/drivers/net/dummy.ko', 'kernel/drivers/net/macvlan.ko',
  'kernel/drivers/net/ipvlan', 'kernel/drivers/net/vxlan', 'kernel/drivers/net/tun.ko', 'kernel/drivers/net/bonding'];

const PRUNE = ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale', 'usr/share/lintian',
  'usr/share/bug', 'usr/share/gitweb', 'usr/share/vim/vim*/doc', 'usr/share/vim/vim*/lang', 'usr/share/zsh',
  'usr/share/fish', 'usr/lib/i386-linux-gnu/gconv/[!g]*', 'var/cache/debconf', 'usr/share/debconf'];

function extractDeb(deb: string, dest: string): void {
  bash(`dpkg-deb --fsys-tarfile "${deb}" | tar -x --keep-directory-symlink -C "${dest}"`);
}

export interface KernelFiles {
  version: string;
  vmlinuz: string;
  modulesDir: string;
}

export function unpackKernel(pkgs: ResolvedPackage[], work: string): KernelFiles {
  const k = pkgs.find((p) => p.sets.includes('kernel'));
  if (!k) throw new BuildError('no kernel package resolved');
  const dir = join(work, 'kernel');
  rmSync(dir, { recursive: true, force: true });
  ensureDir(dir);
  extractDeb(k.deb, dir);
  const version = readdirSync(join(dir, 'lib/modules'))[0];
  return { version, vmlinuz: join(dir, 'boot', `vmlinuz-${version}`), modulesDir: join(dir, 'lib/modules', version) };
}

/** Returns modules.dep as the host's depmod computes it (printed, not written), for the initramfs. */
export function assembleRootfs(pkgs: ResolvedPackage[], kernel: KernelFiles, root: string): string {
  rmSync(root, { recursive: true, force: true });
  ensureDir(root);
  // Merged /usr, as Debian sid lays it out.
  for (const d of ['usr/bin', 'usr/sbin', 'usr/lib']) ensureDir(join(root, d));
  for (const d of ['bin', 'sbin', 'lib']) symlinkSync(`usr/${d}`, join(root, d));
  const guest = pkgs.filter((p) => p.sets.includes('guest'));
  log(`unpacking ${guest.length} guest packages`);
  for (const p of guest) extractDeb(p.deb, root);

  log(`kernel modules for ${kernel.version}`);
  const mods = ensureDir(join(root, 'usr/lib/modules', kernel.version));
  for (const rel of MODULE_DIRS) {
    const src = join(kernel.modulesDir, rel);
    if (!existsSync(src)) continue;
    ensureDir(join(mods, rel, '..'));
    bash(`cp -a "${src}" "${join(mods, rel)}"`);
  }
  for (const f of readdirSync(kernel.modulesDir)) if (f.startsWith('modules.')) bash(`cp -a "${join(kernel.modulesDir, f)}" "${mods}/"`);
  log('[host] depmod -n: module dependencies for the initramfs (nothing written; the guest indexes its modules on the boot)');
  const modulesDep = run('depmod', ['-n', '-b', root, kernel.version])
    .split('\n')
    .filter((l) => /^\S+\.ko(\.\w+)?:/.test(l))
    .join('\n');
  if (!modulesDep) throw new BuildError('depmod -n printed no module dependencies');

  for (const pattern of PRUNE) bash(`cd "${root}" && rm -rf ${pattern}`);

  log('[host] base users, alternatives, unit links (enable/mask/default); [guest, on the boot] depmod, sysusers, ldconfig, containerd config');
  // base-files' postinst: /etc/profile from its template (it sources /etc/profile.d, where the
  // console's prompt marks live).
  if (!existsSync(join(root, 'etc/profile'))) bash(`cp "${root}/usr/share/base-files/profile" "${root}/etc/profile"`);
  // systemd's OSC 3008 shell context costs a few subshells per prompt and per command, which an
  // emulated CPU feels: switched off the way its own header says.
  rmSync(join(root, 'etc/profile.d/80-systemd-osc-context.sh'), { force: true });
  ensureDir(join(root, 'etc/tmpfiles.d'));
  symlinkSync('/dev/null', join(root, 'etc/tmpfiles.d/20-systemd-osc-context.conf'));
  bash(`cp -a "${join(IMAGES, 'rootfs')}/." "${root}/"`);
  configureUsers(root);
  configureAlternatives(root);
  // Debian's short config.toml gives way to the one the guest writes from its own defaults.
  rmSync(join(root, 'etc/containerd/config.toml'), { force: true });
  ensureDir(join(root, 'opt/cni'));
  symlinkSync('/usr/lib/cni', join(root, 'opt/cni/bin'));
  if (!existsSync(join(root, 'etc/mtab'))) symlinkSync('../proc/self/mounts', join(root, 'etc/mtab'));
  // base-files' postinst links /var/run and /var/lock into /run: programs that name /var/run (the
  // docker CLI dials /var/run/docker.sock) must meet what the daemons put in /run, not a directory
  // on the 9p root.
  for (const [link, target] of [['var/run', '/run'], ['var/lock', '/run/lock']]) {
    const path = join(root, link);
    if (existsSync(path) && !lstatSync(path).isSymbolicLink()) {
      if (readdirSync(path).length) throw new BuildError(`/${link} holds files from a package; it must become a link to ${target}`);
      rmSync(path, { recursive: true });
    }
    if (!existsSync(path)) symlinkSync(target, path);
  }
  writeFileSync(join(root, 'etc/shells'), '/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n');
  writeFileSync(join(root, 'etc/resolv.conf'), '# The lab has no network outside the guest.\n');
  chmodSync(join(root, 'root'), 0o700);
  for (const d of ['var/lib/containerd', 'var/lib/cni', 'run', 'var/log', 'root/images']) ensureDir(join(root, d));
  configureSystemd(root);
  return modulesDep;
}

function configureUsers(root: string): void {
  const share = join(root, 'usr/share/base-passwd');
  // Passwords live in /etc/shadow ("x"), as shadow's own tools would arrange it.
  const passwd = readFileSync(join(share, 'passwd.master'), 'utf8').replace(/^([^:\n]+):\*:/gm, '$1:x:');
  const group = readFileSync(join(share, 'group.master'), 'utf8').replace(/^([^:\n]+):\*:/gm, '$1:x:');
  writeFileSync(join(root, 'etc/passwd'), passwd);
  writeFileSync(join(root, 'etc/group'), group);
  // systemd's and dbus's own users come from sysusers.d, added by systemd-sysusers on the boot.
  const users = readFileSync(join(root, 'etc/passwd'), 'utf8').trim().split('\n').map((l) => l.split(':')[0]);
  const groups = readFileSync(join(root, 'etc/group'), 'utf8').trim().split('\n').map((l) => l.split(':')[0]);
  // root logs in without a password: the lab is a local, single-user sandbox.
  writeFileSync(join(root, 'etc/shadow'), users.map((u) => `${u}:${u === 'root' ? '' : '*'}:20000:0:99999:7:::`).join('\n') + '\n', { mode: 0o640 });
  writeFileSync(join(root, 'etc/gshadow'), groups.map((g) => `${g}:*::`).join('\n') + '\n', { mode: 0o640 });
}

/** What update-alternatives would have linked in the packages' postinst scripts. */
function configureAlternatives(root: string): void {
  const links: Array<[string, string]> = [
    ['usr/bin/awk', 'mawk'], ['usr/bin/nawk', 'mawk'], ['usr/bin/vi', 'vim.tiny'], ['usr/bin/vim', 'vim.tiny'],
    ['usr/bin/view', 'vim.tiny'], ['usr/bin/editor', 'vim.tiny'], ['usr/bin/pager', 'less'],
    ['usr/bin/which', 'which.debianutils'],
  ];
  for (const [link, target] of links) {
    const path = join(root, link);
    if (!existsSync(join(root, 'usr/bin', target))) continue;
    if (existsSync(path) || isLink(path)) continue;
    symlinkSync(target, path);
  }
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The units the builder masked (those of MASKED_UNITS this systemd has), for the boot's check. */
export function maskedUnits(root: string): string[] {
  return MASKED_UNITS.filter((u) => !u.endsWith('-generator') && ['usr/lib/systemd/system', 'etc/systemd/system'].some((d) => existsSync(join(root, d, u))));
}

function configureSystemd(root: string): void {
  maskUnits(root, MASKED_UNITS.filter((u) => !u.endsWith('-generator')));
  enableUnits(root, ENABLED_UNITS);
  setDefaultTarget(root, DEFAULT_TARGET);
  const gen = ensureDir(join(root, 'etc/systemd/system-generators'));
  for (const g of DISABLED_GENERATORS) {
    if (existsSync(join(root, 'usr/lib/systemd/system-generators', g))) symlinkSync('/dev/null', join(gen, g));
  }
}
