// The snapshot kept unpacked on this device, in the origin's private file system (OPFS), by the
// worker that first decompressed it. A later visit or a reset reads it (~75 MB: ~5 MB at once,
// the guest's pages during the restore, straight into the emulator's memory) instead of reading
// 20 MB from the cache and decompressing them (~1 s: v86's decoder runs at ~90 MB/s). It costs
// the device the raw size once, never the network.
//
// A copy is named by the compressed file's sha256, as the manifest lists it, and marked whole
// (<sha256>.done) only after all its bytes were written and flushed by an unpack whose digest
// matched; a copy without its mark is never read. Writing a copy removes every other build's.

import { leavePagesUnread, packedMemoryRange, stateInfoLength } from '../../vm/snapshot-layout.ts';

/** The private file system's folder that holds the copy (the e2e tests look into it). */
export const KEPT_STATE_FOLDER = 'lab-kept-state';
/**
 * Read through one small buffer and copied on: a buffer the browser reads a file into keeps its
 * memory after the lab detaches it, until a garbage collection (Chromium: +74 MB resident for as
 * long as the lab runs, read straight into the snapshot's buffer; this piece instead).
 */
const READ_PIECE = 4 << 20;

// The parts of the File System API used here (the DOM typings put sync handles in workers only).
interface SyncHandle {
  read(into: Uint8Array, at: { at: number }): number;
  write(from: Uint8Array, at: { at: number }): number;
  getSize(): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}
interface FileHandle {
  createSyncAccessHandle(options?: { mode?: 'read-only' | 'readwrite' }): Promise<SyncHandle>;
}
export interface Folder {
  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileHandle>;
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<Folder>;
  removeEntry(name: string): Promise<void>;
  keys(): AsyncIterable<string>;
}

/** The folder of kept snapshots, or undefined where there is none (Node, a page that is not https://, a refusal). */
export async function keptStateFolder(storage: { getDirectory?(): Promise<unknown> } | undefined = globalThis.navigator?.storage): Promise<Folder | undefined> {
  try {
    const root = (await storage?.getDirectory?.()) as Folder | undefined;
    return await root?.getDirectoryHandle(KEPT_STATE_FOLDER, { create: true });
  } catch {
    return undefined;
  }
}

async function exists(folder: Folder, name: string): Promise<boolean> {
  try {
    await folder.getFileHandle(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The kept snapshot named by `sha256`, if a whole one of `rawSize` bytes is there and free to read.
 * The guest's pages (~68 of its ~73 MB) are left unread and the file open: the restore reads them
 * straight into the emulator's memory (snapshot-layout.ts), then lets go of the file.
 */
export async function readKeptState(folder: Folder, sha256: string, rawSize: number): Promise<ArrayBuffer | undefined> {
  let handle: SyncHandle | undefined;
  let handedOn = false;
  try {
    if (!(await exists(folder, `${sha256}.done`))) return undefined;
    // Read-only handles may be open in several tabs at once; where the mode is unknown the handle
    // is exclusive, and a tab that holds it makes this one fail and decompress instead.
    const file = await (await folder.getFileHandle(`${sha256}.raw`)).createSyncAccessHandle({ mode: 'read-only' });
    handle = file;
    if (file.getSize() !== rawSize) return undefined;
    const raw = new Uint8Array(rawSize);
    const piece = new Uint8Array(Math.min(READ_PIECE, rawSize));
    const readRange = (from: number, to: number) => {
      for (let at = from; at < to; ) {
        const n = file.read(piece.subarray(0, Math.min(piece.length, to - at)), { at });
        if (n <= 0) throw new Error('the kept snapshot is shorter than its size');
        raw.set(piece.subarray(0, n), at);
        at += n;
      }
    };
    // The header and info block first: they say where the guest's pages lie.
    const headEnd = Math.min(16, rawSize);
    readRange(0, headEnd);
    const infoEnd = headEnd + (stateInfoLength(raw.buffer) ?? 0);
    readRange(headEnd, infoEnd);
    const memory = infoEnd > headEnd ? packedMemoryRange(raw.buffer) : undefined;
    if (!memory) {
      readRange(infoEnd, rawSize);
      return raw.buffer;
    }
    readRange(infoEnd, memory.offset);
    readRange(memory.offset + memory.length, rawSize);
    handedOn = true;
    return leavePagesUnread(raw.buffer, {
      range: memory,
      read(into, at) {
        for (let done = 0; done < into.length; ) {
          const n = file.read(into.subarray(done), { at: at + done });
          if (n <= 0) {
            // Never read again: the next visit decompresses and writes a new copy.
            void folder.removeEntry(`${sha256}.done`).catch(() => undefined);
            throw new Error('The snapshot kept on this device could not be read whole. Reload the page: it will unpack the snapshot again.');
          }
          done += n;
        }
      },
      close: () => file.close(),
    });
  } catch {
    return undefined;
  } finally {
    if (!handedOn) handle?.close();
  }
}

export interface KeptStateWriter {
  /** The next bytes of the raw snapshot, in order. A failed write drops the copy, never the unpack. */
  write(bytes: Uint8Array): void;
  /** Flushes and marks the copy whole if every byte came and the digest matched; else removes it. */
  finish(digestMatched: boolean): Promise<void>;
}

/**
 * A writer for the snapshot named by `sha256`, or undefined when it is kept already, or cannot be
 * (no space, or another tab writing it this moment: it is the same bytes, that tab's copy will do).
 */
export async function keepStateWriter(folder: Folder, sha256: string, rawSize: number): Promise<KeptStateWriter | undefined> {
  try {
    if (await exists(folder, `${sha256}.done`)) return undefined;
    for await (const name of folder.keys()) {
      if (!name.startsWith(`${sha256}.`)) await folder.removeEntry(name).catch(() => undefined); // another build's (or in use by its tab)
    }
    const handle = await (await folder.getFileHandle(`${sha256}.raw`, { create: true })).createSyncAccessHandle();
    let at = 0;
    let failed = false;
    const drop = async () => {
      try {
        handle.close();
      } catch {
        /* closed already */
      }
      await folder.removeEntry(`${sha256}.raw`).catch(() => undefined);
    };
    return {
      write(bytes) {
        if (failed) return;
        try {
          if (handle.write(bytes, { at }) !== bytes.length) throw new Error('short write');
          at += bytes.length;
        } catch {
          failed = true; // the device's quota, most likely
        }
      },
      async finish(digestMatched) {
        if (failed || !digestMatched || at !== rawSize) return drop();
        try {
          handle.truncate(rawSize);
          handle.flush();
          handle.close();
          await folder.getFileHandle(`${sha256}.done`, { create: true });
        } catch {
          await drop();
        }
      },
    };
  } catch {
    return undefined;
  }
}
