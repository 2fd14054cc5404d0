// Where the machine's files come from: a folder URL in the browser, a folder on disk in Node.
// Both load whole files with progress, so the page can show bytes fetched against the total.
import { ImageLoadError, ImageMissingError } from './errors.ts';
import type { Manifest } from './manifest.ts';

export interface AssetSource {
  /** Read and parse manifest.json. */
  manifest(): Promise<Manifest>;
  /** Load one file whole; onProgress gets the bytes loaded so far. */
  load(name: string, onProgress?: (loaded: number) => void): Promise<ArrayBuffer>;
  /** Location of a file as v86 itself loads it (9p files, fs.json): a URL, or a path in Node. */
  locate(name: string): string;
}

/** Files served over HTTP from a folder (the static site's /vm/). */
export class HttpAssets implements AssetSource {
  constructor(private readonly base: string) {
    if (!this.base.endsWith('/')) this.base += '/';
  }
  locate(name: string): string {
    return new URL(name, new URL(this.base, globalThis.location?.href ?? 'http://localhost/')).href;
  }
  async manifest(): Promise<Manifest> {
    let res: Response;
    try {
      res = await fetch(this.locate('manifest.json'), { cache: 'no-cache' });
    } catch (e) {
      throw new ImageLoadError('the lab manifest', (e as Error).message);
    }
    if (res.status === 404) throw new ImageMissingError(`${this.base}manifest.json`);
    if (!res.ok) throw new ImageLoadError('the lab manifest', `HTTP ${res.status}`);
    return res.json();
  }
  async load(name: string, onProgress?: (loaded: number) => void): Promise<ArrayBuffer> {
    let res: Response;
    try {
      res = await fetch(this.locate(name));
    } catch (e) {
      throw new ImageLoadError(name, (e as Error).message);
    }
    if (res.status === 404) throw new ImageMissingError(`${this.base}${name}`);
    if (!res.ok || !res.body) throw new ImageLoadError(name, `HTTP ${res.status}`);
    return readBody(res, onProgress);
  }
}

/**
 * A response's body in one buffer of its own, copied in as it streams (into a buffer of the
 * announced length when there is one: a body sent compressed announces its compressed length). Not Response.arrayBuffer(): in Chromium the memory behind
 * that buffer stays with the tab even once the buffer is detached, and the lab detaches its
 * 40 MB snapshot as soon as it is restored.
 */
export async function readBody(res: Response, onProgress?: (loaded: number) => void): Promise<ArrayBuffer> {
  if (!res.body) return new ArrayBuffer(0);
  const announced = res.headers.has('content-encoding') ? 0 : Number(res.headers.get('content-length')) || 0;
  let out = new Uint8Array(announced);
  let loaded = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > out.length) {
      // No length announced (or a wrong one): grow by doubling.
      const bigger = new Uint8Array(Math.max(loaded + value.length, out.length * 2, 1 << 16));
      bigger.set(out.subarray(0, loaded));
      out = bigger;
    }
    out.set(value, loaded);
    loaded += value.length;
    onProgress?.(loaded);
  }
  return loaded === out.length ? out.buffer : out.slice(0, loaded).buffer;
}
