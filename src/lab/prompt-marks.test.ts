import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PromptMarkScanner, type PromptMark } from './prompt-marks.ts';

const enc = (s: string) => new TextEncoder().encode(s);

function scan(...chunks: string[]): PromptMark[] {
  const marks: PromptMark[] = [];
  const s = new PromptMarkScanner((m) => marks.push(m));
  for (const c of chunks) s.push(enc(c));
  return marks;
}

test('prompt marks: start, end with status, next prompt, amid ordinary output', () => {
  assert.deepEqual(scan('ls\r\n\x1b]133;C\x07a b\r\n\x1b]133;D;0\x07\x1b]133;A\x07root@lab:~# '), [
    { kind: 'C' }, { kind: 'D', exitCode: 0 }, { kind: 'A' },
  ]);
  assert.deepEqual(scan('\x1b]133;D;127\x1b\\'), [{ kind: 'D', exitCode: 127 }], 'ST ends a mark as BEL does');
});

test('prompt marks split across chunks are still found', () => {
  assert.deepEqual(scan('out\x1b]1', '33;D', ';2', '\x07'), [{ kind: 'D', exitCode: 2 }]);
});

test('other escape sequences and OSCs are not marks', () => {
  assert.deepEqual(scan('\x1b[1;32mgreen\x1b[0m \x1b]0;title\x07 \x1b]1337;x\x07 \x1b\x1b]133;A\x07'), [{ kind: 'A' }]);
  assert.deepEqual(scan('\x1b]133;' + 'x'.repeat(200) + '\x07'), []);
});
