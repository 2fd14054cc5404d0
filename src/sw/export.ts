// Export-time steps over the static site (out/), run by scripts/build-sw.ts after `next build` and
// Pagefind: the lab image's files get content-hashed names, and the service worker is bundled with
// the list of everything to precache.
//
// Why the names change here and not in images/builder: out/vm/ is a copy made by every site build,
// and it is what every server (npm start, the trainer's bundle, the tests) serves. public/vm/ stays
// the image build's own hard links, read by Node (lab CLI, tests) under the names it wrote.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from '../vm/manifest.ts';
import { LAB_PATH, contentHashedName } from './lab-files.ts';

/**
 * Renames each file manifest.json lists to a name carrying its sha256 and rewrites the manifest
 * to match. Run twice, it changes nothing. The manifest is written to a new file and renamed over
 * the old, so a copy that shares its inode (a hard link) is never changed.
 */
export function giveLabFilesHashedNames(vmDir: string): Manifest {
  const manifestPath = join(vmDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  let changed = false;
  for (const file of Object.values(manifest.files)) {
    const hashed = contentHashedName(file.name, file.sha256);
    if (hashed === file.name) continue;
    const from = join(vmDir, file.name);
    const to = join(vmDir, hashed);
    if (existsSync(from)) renameSync(from, to);
    else if (!existsSync(to)) {
      throw new Error(`${from} is missing: the lab image in ${vmDir} is incomplete. Run \`npm run lab:image\`, then \`npm run site:build\` again.`);
    }
    file.name = hashed;
    changed = true;
  }
  if (changed) {
    const next = `${manifestPath}.next`;
    writeFileSync(next, JSON.stringify(manifest, null, 1));
    rmSync(manifestPath);
    renameSync(next, manifestPath);
  }
  return manifest;
}

export interface PrecacheEntry {
  url: string;
  /** null for names that already carry their content's hash. */
  revision: string | null;
}

/**
 * The lab's part of the precache: manifest.json (revisioned by its content, so a new image means a
 * new service worker) and fs.json (its name carries its hash).
 */
export function labPrecacheEntries(vmDir: string, manifest: Manifest): PrecacheEntry[] {
  const base = LAB_PATH.replace(/^\//, '');
  const revision = createHash('sha256').update(readFileSync(join(vmDir, 'manifest.json'))).digest('hex').slice(0, 32);
  return [
    { url: `${base}manifest.json`, revision },
    { url: `${base}${manifest.files.fsJson.name}`, revision: null },
  ];
}
