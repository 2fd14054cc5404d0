// Where an uncompressed v86 snapshot keeps the guest's memory. v86 copies every buffer of a state
// out of it before restoring (ArrayBuffer.slice), so the guest's ~68 MB of non-zero pages were
// copied twice on every restore: into a fresh buffer, then into the emulator's memory. Knowing
// where they lie lets the restore copy them once, straight from the snapshot (machine.ts), or
// read them from where the snapshot is kept straight into the emulator's memory (unreadPages).

/** v86's state header: magic, format version, total length, info block length (little-endian int32s). */
const STATE_MAGIC = 0x86768676;
const STATE_VERSION = 6;
/** The CPU's saved field that holds the non-zero pages (v86's cpu.get_state, format 6). */
const PACKED_MEMORY_FIELD = 77;

export interface ByteRange {
  offset: number;
  length: number;
}

type BufferRef = { __state_type__?: string; buffer_id?: number };

/**
 * The byte range of the guest's packed memory in an uncompressed snapshot, or undefined when the
 * bytes are not a snapshot of the format this reads (a compressed one, another v86's): the caller
 * then restores the usual way.
 */
export function packedMemoryRange(state: ArrayBuffer): ByteRange | undefined {
  const infoLength = stateInfoLength(state);
  if (infoLength === undefined) return undefined;
  let info: { state?: unknown; buffer_infos?: ByteRange[] };
  try {
    info = JSON.parse(new TextDecoder().decode(new Uint8Array(state, 16, infoLength)));
  } catch {
    return undefined;
  }
  const field = Array.isArray(info.state) ? (info.state[PACKED_MEMORY_FIELD] as BufferRef | undefined) : undefined;
  if (field?.__state_type__ !== 'Uint8Array' || typeof field.buffer_id !== 'number') return undefined;
  const buffer = info.buffer_infos?.[field.buffer_id];
  if (!buffer) return undefined;
  const offset = ((16 + infoLength + 3) & ~3) + buffer.offset;
  if (buffer.length % 4096 !== 0 || offset + buffer.length > state.byteLength) return undefined;
  return { offset, length: buffer.length };
}

/**
 * The length of the snapshot's info block (what follows its 16-byte header), read from its header,
 * or undefined when `head` does not start an uncompressed snapshot of `totalLength` bytes.
 */
export function stateInfoLength(head: ArrayBuffer, totalLength = head.byteLength): number | undefined {
  if (head.byteLength < 16) return undefined;
  const header = new DataView(head, 0, 16);
  if (header.getUint32(0, true) !== STATE_MAGIC || header.getInt32(4, true) !== STATE_VERSION) return undefined;
  if (header.getInt32(8, true) !== totalLength) return undefined;
  const infoLength = header.getInt32(12, true);
  return infoLength > 0 && 16 + infoLength <= totalLength ? infoLength : undefined;
}

/** The guest's pages of a snapshot, where it is kept: read on demand. */
export interface SnapshotPages {
  /** Where the pages lie in the snapshot (its info block is parsed once, by whoever left them). */
  readonly range: ByteRange;
  /** Fills `into` with the snapshot's bytes from offset `at`, whole, or throws. */
  read(into: Uint8Array, at: number): void;
  /** The restore is over (or failed): let go of the file. */
  close(): void;
}

const pagesOf = new WeakMap<ArrayBuffer, SnapshotPages>();

/**
 * Marks a snapshot whose packed memory range was left unread (zero, so never resident): the
 * restore reads those pages from `pages` straight into the emulator's memory.
 */
export function leavePagesUnread(state: ArrayBuffer, pages: SnapshotPages): ArrayBuffer {
  pagesOf.set(state, pages);
  return state;
}

/** The pages a snapshot left unread, if it did. */
export function unreadPages(state: ArrayBuffer): SnapshotPages | undefined {
  return pagesOf.get(state);
}
