import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leavePagesUnread, packedMemoryRange, stateInfoLength, unreadPages } from './snapshot-layout.ts';
import { fakeSnapshot } from './snapshot-layout.fixture.ts';

const sized = (...lengths: number[]) => lengths.map((n, i) => new Uint8Array(n).fill(i + 1));

test("finds the guest's packed pages where v86 put them", () => {
  const s = fakeSnapshot(sized(33, 3 * 4096, 8));
  assert.deepEqual(packedMemoryRange(s.bytes), { offset: s.offsets[1], length: 3 * 4096 });
  assert.ok(new Uint8Array(s.bytes, s.offsets[1], 3 * 4096).every((b) => b === 2));
  assert.equal(stateInfoLength(s.bytes.slice(0, 16), s.bytes.byteLength), new DataView(s.bytes).getInt32(12, true), 'from the header alone');
});

test('says nothing for what it does not know: a compressed state, another format, no packed pages', () => {
  assert.equal(packedMemoryRange(fakeSnapshot(sized(33, 4096), { magic: 0xfd2fb528 }).bytes), undefined);
  assert.equal(packedMemoryRange(fakeSnapshot(sized(33, 4096), { version: 7 }).bytes), undefined);
  assert.equal(packedMemoryRange(fakeSnapshot(sized(33, 4096), { cpuState: [1, 2, 3] }).bytes), undefined);
  assert.equal(packedMemoryRange(fakeSnapshot(sized(33, 4096), { memoryBuffer: 5 }).bytes), undefined);
  assert.equal(packedMemoryRange(fakeSnapshot(sized(33, 100)).bytes), undefined, 'not whole pages');
  assert.equal(packedMemoryRange(new ArrayBuffer(8)), undefined);
  const cut = fakeSnapshot(sized(33, 4096)).bytes;
  assert.equal(packedMemoryRange(cut.slice(0, cut.byteLength - 4)), undefined, 'a short file');
});

test('a snapshot that left its pages unread says where to read them; others say nothing', () => {
  const s = fakeSnapshot(sized(33, 4096)).bytes;
  assert.equal(unreadPages(s), undefined);
  const pages = { range: { offset: 0, length: 4096 }, read() {}, close() {} };
  assert.equal(leavePagesUnread(s, pages), s);
  assert.equal(unreadPages(s), pages);
});
