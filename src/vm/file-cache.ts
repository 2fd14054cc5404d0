// Keeps 9p file contents after the guest closes a file. v86's storage drops a file's data on close,
// so every reopen fetched (and decompressed) it again; an LRU of recently closed files stops that.
// It also counts what was fetched, for the benchmark's "9p bytes read total and unique".

interface V86ServerStorage {
  load_from_server(sha256: string, size: number): Promise<Uint8Array>;
  uncache(sha256: string): void;
  storage: { filedata: Map<string, Uint8Array> };
}

export interface FileStats {
  /** Bytes of file contents fetched from the image's files (after decompression). */
  bytesRead: number;
  /** Of those, bytes of distinct files. */
  uniqueBytes: number;
  filesRead: number;
  cachedBytes: number;
}

/** What was fetched, kept across the emulators a machine goes through (each reset makes one). */
export function newFileCounters() {
  return { bytesRead: 0, uniqueBytes: 0, filesRead: 0, seen: new Set<string>() };
}

export class FileCache {
  private readonly kept = new Map<string, number>(); // sha256 -> size, oldest first
  private keptBytes = 0;
  private storage?: V86ServerStorage;

  constructor(
    storage: unknown,
    private readonly budget: number,
    private readonly counters = newFileCounters(),
  ) {
    const s = storage as V86ServerStorage;
    if (!s || typeof s.load_from_server !== 'function' || typeof s.uncache !== 'function' || !s.storage?.filedata) {
      // A v86 whose storage looks different: leave it as it is (only the counters stay at zero).
      return;
    }
    this.storage = s;
    const load = s.load_from_server.bind(s);
    const drop = s.uncache.bind(s);
    s.load_from_server = async (sha, size) => {
      this.counters.bytesRead += size;
      this.counters.filesRead++;
      if (!this.counters.seen.has(sha)) {
        this.counters.seen.add(sha);
        this.counters.uniqueBytes += size;
      }
      return load(sha, size);
    };
    s.uncache = (sha) => {
      const data = s.storage.filedata.get(sha);
      if (!data || this.budget <= 0) return drop(sha);
      if (this.kept.has(sha)) {
        this.kept.delete(sha);
      } else {
        this.keptBytes += data.length;
      }
      this.kept.set(sha, data.length);
      for (const [old, size] of this.kept) {
        if (this.keptBytes <= this.budget) break;
        this.kept.delete(old);
        this.keptBytes -= size;
        drop(old);
      }
    };
  }

  /** Carry over what a previous emulator's cache kept (a reset makes a new emulator). */
  inherit(previous: FileCache | undefined): void {
    if (!previous || !this.storage) return;
    for (const [sha, size] of previous.kept) {
      const data = previous.storage?.storage.filedata.get(sha);
      if (!data) continue;
      this.storage.storage.filedata.set(sha, data);
      this.kept.set(sha, size);
      this.keptBytes += size;
    }
  }

  stats(): FileStats {
    const { bytesRead, uniqueBytes, filesRead } = this.counters;
    return { bytesRead, uniqueBytes, filesRead, cachedBytes: this.keptBytes };
  }
}
