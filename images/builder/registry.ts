// The lab's own registry (Debian's docker-registry, the CNCF distribution server), filled on the
// host: its filesystem storage is plain files and links, written here from the images' OCI layouts,
// so pulls in the lab need no internet and the guest's memory (and so the saved state) holds none
// of it. The registry serves what it finds under /var/lib/docker-registry/docker/registry/v2:
//   blobs/sha256/<2 hex>/<hex>/data                                      every blob's bytes
//   repositories/<repo>/_layers/sha256/<hex>/link                        "sha256:<hex>" for config and layers
//   repositories/<repo>/_manifests/revisions/sha256/<hex>/link           the manifests it holds
//   repositories/<repo>/_manifests/tags/<tag>/current/link               the manifest a tag names
//   repositories/<repo>/_manifests/tags/<tag>/index/sha256/<hex>/link    and every one it has named
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuildError, ensureDir, run } from './util.ts';

export interface RegistryEntry {
  /** Repository path as the registry names it, e.g. library/busybox */
  repo: string;
  tag: string;
  /** An OCI image-layout tarball with one manifest (as images/builder/oci.ts writes them). */
  tarball: string;
}

const hexOf = (digest: string) => {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!m) throw new BuildError(`registry: not a sha256 digest: ${digest}`);
  return m[1];
};

function link(path: string, digest: string): void {
  ensureDir(join(path, '..'));
  writeFileSync(path, digest);
}

/** Writes each image into the storage under `storageRoot` (the registry's rootdirectory). Returns the manifest digests. */
export function writeRegistryStorage(storageRoot: string, entries: RegistryEntry[], work: string): Record<string, string> {
  const v2 = join(storageRoot, 'docker/registry/v2');
  const out: Record<string, string> = {};
  for (const e of entries) {
    const dir = join(work, 'registry-layout');
    rmSync(dir, { recursive: true, force: true });
    ensureDir(dir);
    run('tar', ['-xf', e.tarball, '-C', dir]);
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    if (index.manifests.length !== 1) throw new BuildError(`registry: ${e.tarball} holds ${index.manifests.length} manifests; one expected`);
    const manifestDigest = index.manifests[0].digest;
    const blobPath = (d: string) => join(dir, 'blobs/sha256', hexOf(d));
    const manifest = JSON.parse(readFileSync(blobPath(manifestDigest), 'utf8')) as { config: { digest: string }; layers: Array<{ digest: string }> };
    const repo = join(v2, 'repositories', e.repo);
    for (const d of [manifestDigest, manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
      const hex = hexOf(d);
      const data = join(v2, 'blobs/sha256', hex.slice(0, 2), hex, 'data');
      if (!existsSync(data)) {
        ensureDir(join(data, '..'));
        copyFileSync(blobPath(d), data);
      }
      if (d !== manifestDigest) link(join(repo, '_layers/sha256', hex, 'link'), d);
    }
    const mhex = hexOf(manifestDigest);
    link(join(repo, '_manifests/revisions/sha256', mhex, 'link'), manifestDigest);
    link(join(repo, '_manifests/tags', e.tag, 'current/link'), manifestDigest);
    link(join(repo, '_manifests/tags', e.tag, 'index/sha256', mhex, 'link'), manifestDigest);
    out[`${e.repo}:${e.tag}`] = manifestDigest;
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
