// The workshop's durable record: one JSON object per line, appended and fsynced before the request
// that caused it is answered, so an answered report survives a crash or a pulled plug. No database
// server: a trainer's laptop only needs a folder. On start the log is replayed; a crash mid-write
// can leave a torn last line, which is cut off (and kept aside) so new lines start clean.
import { open, readFile, writeFile, mkdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export const LOG_FILE = 'progress.jsonl';

export interface ReplayResult<T> {
  events: T[];
  /** Lines that were complete but not valid JSON (never written by this code: a damaged disk or a hand edit). */
  skippedLines: number;
  /** Bytes of a torn last line that were cut off, 0 when the log ended cleanly. */
  tornBytes: number;
}

/** Splits a log's text into events; a last line without its newline is torn (a crash mid-write). */
export function parseLog<T>(text: string): ReplayResult<T> & { cleanLength: number } {
  const end = text.lastIndexOf('\n') + 1;
  const events: T[] = [];
  let skippedLines = 0;
  for (const line of text.slice(0, end).split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as T);
    } catch {
      skippedLines++;
    }
  }
  const tail = text.slice(end);
  // A tail that parses is a whole event whose newline was lost: keep it.
  let tornBytes = 0;
  if (tail.trim()) {
    try {
      events.push(JSON.parse(tail) as T);
    } catch {
      tornBytes = Buffer.byteLength(tail);
    }
  }
  return { events, skippedLines, tornBytes, cleanLength: Buffer.byteLength(text.slice(0, end)) + (tornBytes ? 0 : Buffer.byteLength(tail)) };
}

export class EventLog<T> {
  private lastWriteFailed = false;

  private constructor(
    readonly path: string,
    private file: FileHandle,
    /** Appends run one after another: two interleaved writes could tear each other's lines. */
    private queue: Promise<unknown> = Promise.resolve(),
  ) {}

  /** Opens (creating) the log in `dir`, replays it and repairs a torn end. */
  static async open<T>(dir: string): Promise<{ log: EventLog<T> } & ReplayResult<T>> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, LOG_FILE);
    const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '';
      throw e;
    });
    const replay = parseLog<T>(text);
    const file = await open(path, 'a+');
    if (replay.tornBytes) {
      // Keep the torn bytes for a post-mortem, then cut them so the next line starts on its own.
      await writeFile(`${path}.torn-${Date.now()}`, text.slice(text.lastIndexOf('\n') + 1));
      await file.truncate(replay.cleanLength);
      await file.sync();
    } else if (text && !text.endsWith('\n')) {
      await file.appendFile('\n');
      await file.sync();
    }
    return { log: new EventLog<T>(path, file), events: replay.events, skippedLines: replay.skippedLines, tornBytes: replay.tornBytes };
  }

  /** Resolves once the event is on disk (written and fsynced). */
  append(event: T): Promise<void> {
    const line = `${JSON.stringify(event)}\n`;
    const done = this.queue.then(async () => {
      // After a failed write (disk full...) part of a line may be on disk: start on a line of our own.
      const text = this.lastWriteFailed ? `\n${line}` : line;
      this.lastWriteFailed = true;
      await this.file.appendFile(text);
      await this.file.sync();
      this.lastWriteFailed = false;
    });
    // A failed write must not block every later one; its own caller still sees the error.
    this.queue = done.catch(() => undefined);
    return done;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.file.close();
  }
}
