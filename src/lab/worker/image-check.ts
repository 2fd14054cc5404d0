// The page checks that the lab files it fetched belong together and to this page. The manifest is
// always revalidated but the big files come from the HTTP cache: after a rebuild, a cached state
// beside a new manifest (or an image made with another v86) would hang or fail mid-lesson. Better
// to say so at once.
import type { AssetSource } from '../../vm/assets.ts';
import { LabError } from '../../vm/errors.ts';
import { MANIFEST_FORMAT, type Manifest, type ManifestFile } from '../../vm/manifest.ts';
import { sha256Hex } from './sha256.ts';

export class StaleImageError extends LabError {
  constructor(detail: string) {
    super(
      `The lab files are from another build: reload the page.\n${detail}`,
      'If reloading does not help, reload bypassing the cache (Ctrl+Shift+R, or Cmd+Shift+R on a Mac). If it still comes back, the server holds files of two builds: rebuild with `npm run lab:image`, then `npm run site:build`.',
      'stale-image',
    );
    this.name = 'StaleImageError';
  }
}

/** Throws StaleImageError unless this page can run the image the manifest describes. */
export function checkManifest(manifest: Manifest, pageV86Version: string): void {
  if (manifest?.format !== MANIFEST_FORMAT) {
    throw new StaleImageError(`The lab manifest has format ${String(manifest?.format)}; this page reads format ${MANIFEST_FORMAT}.`);
  }
  if (manifest.v86Version !== pageV86Version) {
    throw new StaleImageError(`The lab image was made with v86 ${manifest.v86Version}; this page runs v86 ${pageV86Version}.`);
  }
}

/** Throws StaleImageError unless the bytes are the file the manifest lists. */
export async function checkFile(file: ManifestFile, bytes: ArrayBuffer): Promise<void> {
  const actual = await sha256Hex(bytes);
  if (actual !== file.sha256) {
    throw new StaleImageError(`${file.name} does not match the lab manifest (sha256 ${actual.slice(0, 12)}…, expected ${file.sha256.slice(0, 12) || 'none'}…).`);
  }
}

/** An AssetSource that checks the manifest, and every file it lists, before handing them on. */
export class VerifiedAssets implements AssetSource {
  private listed = new Map<string, ManifestFile>();

  constructor(
    private readonly inner: AssetSource,
    private readonly pageV86Version: string,
  ) {}

  async manifest(): Promise<Manifest> {
    const manifest = await this.inner.manifest();
    checkManifest(manifest, this.pageV86Version);
    this.listed = new Map(Object.values(manifest.files).map((f) => [f.name, f]));
    return manifest;
  }

  async load(name: string, onProgress?: (loaded: number) => void): Promise<ArrayBuffer> {
    const bytes = await this.inner.load(name, onProgress);
    const file = this.listed.get(name);
    if (file) await checkFile(file, bytes);
    return bytes;
  }

  locate(name: string): string {
    return this.inner.locate(name);
  }
}
