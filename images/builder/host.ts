// The host tools the image build needs, from the host's own Debian (bookworm) packages.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BuildError, REPO, have, log } from './util.ts';

/** command -> Debian package providing it */
export const HOST_TOOLS: Record<string, string> = {
  'apt-get': 'apt',
  'dpkg-deb': 'dpkg',
  zstd: 'zstd',
  gcc: 'gcc',
  readelf: 'binutils',
  tar: 'tar',
  gzip: 'gzip',
  depmod: 'kmod',
  strace: 'strace',
};

/** Run scripts/host-tools.sh (apt-get install from the host's own release). */
export function installHostTools(): void {
  const r = spawnSync('bash', [join(REPO, 'scripts/host-tools.sh')], { stdio: 'inherit' });
  if (r.status !== 0) throw new BuildError('scripts/host-tools.sh failed: run `sudo bash scripts/host-tools.sh` and retry.');
}

export function checkHostTools(): void {
  // depmod and friends live in /usr/sbin, which a non-root PATH may lack.
  process.env.PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
  const missing = Object.keys(HOST_TOOLS).filter((c) => !have(c));
  if (!missing.length) return;
  log(`installing host tools: ${missing.map((c) => HOST_TOOLS[c]).join(' ')} (scripts/host-tools.sh)`);
  const r = spawnSync('bash', [join(REPO, 'scripts/host-tools.sh')], { stdio: 'inherit' });
  if (r.status !== 0 || Object.keys(HOST_TOOLS).some((c) => !have(c))) {
    throw new BuildError(`missing host tools (${missing.join(', ')}). Run \`sudo bash scripts/host-tools.sh\` and retry.`);
  }
}
