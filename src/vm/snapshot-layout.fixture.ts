// Tests' snapshots in v86's uncompressed layout (format 6): header, info JSON, then each buffer
// 4-byte aligned. The CPU's field 77 names the buffer of the guest's packed pages.

export interface FakeSnapshot {
  bytes: ArrayBuffer;
  /** Where each buffer starts in `bytes`. */
  offsets: number[];
}

export function fakeSnapshot(buffers: Uint8Array[], { memoryBuffer = 1, cpuState, magic = 0x86768676, version = 6 }: { memoryBuffer?: number; cpuState?: unknown[]; magic?: number; version?: number } = {}): FakeSnapshot {
  let offset = 0;
  const infos = buffers.map((b) => {
    const info = { offset, length: b.length };
    offset += (b.length + 3) & ~3;
    return info;
  });
  const fields: unknown[] = cpuState ?? new Array(92).fill(0);
  if (!cpuState) {
    fields[76] = { __state_type__: 'Uint8Array', buffer_id: 0 }; // the bitmap
    fields[77] = { __state_type__: 'Uint8Array', buffer_id: memoryBuffer };
  }
  const info = new TextEncoder().encode(JSON.stringify({ buffer_infos: infos, state: fields }));
  const start = (16 + info.length + 3) & ~3;
  const bytes = new Uint8Array(start + offset);
  const header = new DataView(bytes.buffer);
  header.setUint32(0, magic, true);
  header.setInt32(4, version, true);
  header.setInt32(8, bytes.length, true);
  header.setInt32(12, info.length, true);
  bytes.set(info, 16);
  buffers.forEach((b, i) => bytes.set(b, start + infos[i].offset));
  return { bytes: bytes.buffer, offsets: infos.map((i) => start + i.offset) };
}
