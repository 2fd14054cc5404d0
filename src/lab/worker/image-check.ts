// The page checks that the lab files it fetched belong together and to this page. The manifest is
// always revalidated but the big files come from the HTTP cache: after a rebuild, a cached state
// beside a new manifest (or an image made with another v86) would hang or fail mid-lesson. Better
// to say so at once.
import type { AssetSource } from '../../vm/assets.ts';
import { LabError } from '../../vm/errors.ts';
import { MANIFEST_FORMAT, type Manifest, type ManifestFile } from '../../vm/manifest.ts';
import { sha256Hex } from './sha256.ts';
import type { StateUnpacker } from './state-unpack.ts';

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
  checkDigest(file, await sha256Hex(bytes));
}

/** Throws StaleImageError unless `actual` is the sha256 the manifest lists for the file. */
export function checkDigest(file: ManifestFile, actual: string): void {
  if (actual !== file.sha256) {
    throw new StaleImageError(`${file.name} does not match the lab manifest (sha256 ${actual.slice(0, 12)}…, expected ${file.sha256.slice(0, 12) || 'none'}…).`);
  }
}

/**
 * An AssetSource that checks the manifest, and every file it lists, before handing them on. Given
 * an unpacker, it hands on the snapshot checked and decompressed by it (see state-unpack.worker.ts),
 * or the copy an earlier unpack kept raw.
 */
export class VerifiedAssets implements AssetSource {
  private listed = new Map<string, ManifestFile>();
  private files?: Manifest['files'];
  /** v86's module is loaded once, for the emulator and for the unpacker both. */
  private wasm?: Promise<ArrayBuffer>;

  constructor(
    private readonly inner: AssetSource,
    private readonly pageV86Version: string,
    private readonly unpacker?: StateUnpacker,
  ) {}

  async manifest(): Promise<Manifest> {
    const manifest = await this.inner.manifest();
    checkManifest(manifest, this.pageV86Version);
    this.files = manifest.files;
    this.listed = new Map(Object.values(manifest.files).map((f) => [f.name, f]));
    return manifest;
  }

  load(name: string, onProgress?: (loaded: number) => void): Promise<ArrayBuffer> {
    if (name !== this.files?.wasm.name) return this.loadChecked(name, onProgress);
    if (!this.wasm) {
      this.wasm = this.loadChecked(name, onProgress);
    } else if (onProgress) {
      void this.wasm.then((b) => onProgress(b.byteLength), () => undefined);
    }
    return this.wasm;
  }

  private async loadChecked(name: string, onProgress?: (loaded: number) => void): Promise<ArrayBuffer> {
    const state = this.files?.state;
    if (this.unpacker && state?.name === name && state.name.endsWith('.zst') && state.rawSize) {
      // Kept by an unpack of this very file (named by the digest the manifest lists), checked then.
      const kept = await this.unpacker.kept(state);
      if (kept) {
        onProgress?.(state.size);
        return kept;
      }
      const compressed = await this.inner.load(name, onProgress);
      const wasm = await this.load(this.files!.wasm.name);
      let unpacked: { sha256: string; raw: ArrayBuffer } | undefined;
      try {
        unpacked = await this.unpacker.unpack(compressed, wasm, state);
      } catch {
        // The worker could not do it (it could not start, or the decoder failed): the emulator
        // decompresses the snapshot itself, as it always can, only holding more memory after.
      }
      if (unpacked) {
        checkDigest(state, unpacked.sha256);
        return unpacked.raw;
      }
      const again = compressed.byteLength ? compressed : await this.inner.load(name); // moved to the worker: read again
      await checkFile(state, again);
      return again;
    }
    const bytes = await this.inner.load(name, onProgress);
    const file = this.listed.get(name);
    if (file) await checkFile(file, bytes);
    return bytes;
  }

  locate(name: string): string {
    return this.inner.locate(name);
  }
}
