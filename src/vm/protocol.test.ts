import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, encodeExec, encodeKill, encodePing, parseAgentLine } from './protocol.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

test('exec lines carry the script as base64, whatever it contains', () => {
  const script = "printf 'a b\\n' | grep \"é\" # ünïcode\nexit 3";
  const line = encodeExec(7, script);
  assert.match(line, /^X 7 [A-Za-z0-9+/=]+\n$/);
  assert.equal(Buffer.from(line.split(' ')[2].trim(), 'base64').toString('utf8'), script);
});

test('ping and kill lines', () => {
  assert.equal(encodePing(3), 'P 3\n');
  assert.equal(encodePing(4, 1700000000.7), 'P 4 1700000000\n');
  assert.equal(encodeKill(9), 'K 9\n');
});

test('results decode stdout and stderr, empty ones included', () => {
  assert.deepEqual(parseAgentLine(`@@LAB R 12 0 ${b64('hi\n')} `), { kind: 'result', id: 12, exitCode: 0, stdout: 'hi\n', stderr: '' });
  const r = parseAgentLine(`@@LAB R 5 127 ${b64('')} ${b64('bash: x: command not found\n')}`);
  assert.deepEqual(r, { kind: 'result', id: 5, exitCode: 127, stdout: '', stderr: 'bash: x: command not found\n' });
});

test('ready and pong lines; anything else is noise', () => {
  assert.deepEqual(parseAgentLine('@@LAB READY 1234-abcd'), { kind: 'ready', bootId: '1234-abcd' });
  assert.deepEqual(parseAgentLine('garbage@@LAB P 42'), { kind: 'pong', id: 42 });
  assert.equal(parseAgentLine('P 42'), null);
  assert.equal(parseAgentLine('@@LAB WHAT 1'), null);
  assert.equal(parseAgentLine(''), null);
});

test('the line splitter cuts on LF and drops CR', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  for (const b of Buffer.from('one\r\ntwo\nthr')) s.push(b);
  assert.deepEqual(lines, ['one', 'two']);
  s.push(10);
  assert.deepEqual(lines, ['one', 'two', 'thr']);
});
