import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, encodeExec, encodeKill, encodePing, parseAgentLine } from './protocol.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

test('exec lines carry the script on one line, escaped, after its length', () => {
  const script = "printf 'a b\\n' | grep \"é\" # ünïcode\r\nexit 3  ";
  const line = encodeExec(7, script);
  assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'), 'one line');
  const [, id, chars] = line.split(' ');
  assert.deepEqual([id, Number(chars)], ['7', [...script].length]);
  // What the agent does (printf %b in bash), undone here the same way.
  const escaped = line.slice(`X 7 ${chars} `.length, -1);
  assert.equal(escaped.replace(/\\(\\|n|r)/g, (_, c: string) => ({ '\\': '\\', n: '\n', r: '\r' })[c]!), script);
});

test('ping and kill lines', () => {
  assert.equal(encodePing(3), 'P 3\n');
  assert.equal(encodePing(4, 1700000000.7), 'P 4 1700000000\n');
  assert.equal(encodeKill(9), 'K 9\n');
});

test('results decode stdout and stderr, empty ones included', () => {
  const r1 = parseAgentLine(`@@LAB R 12 0 - ${b64('hi\n')} `);
  assert.ok(r1?.kind === 'result');
  assert.deepEqual([r1.id, r1.exitCode, r1.stdout, r1.stderr, r1.truncated], [12, 0, 'hi\n', '', { stdout: false, stderr: false }]);
  const r2 = parseAgentLine(`@@LAB R 5 127 -  ${b64('bash: x: command not found\n')}`);
  assert.ok(r2?.kind === 'result');
  assert.deepEqual([r2.exitCode, r2.stdout, r2.stderr], [127, '', 'bash: x: command not found\n']);
});

test('results keep the exact bytes of binary output, and say which streams the agent cut', () => {
  const binary = Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]);
  const r = parseAgentLine(`@@LAB R 3 0 oe ${binary.toString('base64')} ${b64('x')}`);
  assert.ok(r?.kind === 'result');
  assert.deepEqual(Buffer.from(r.stdoutBytes), binary);
  assert.deepEqual(r.truncated, { stdout: true, stderr: true });
  const e = parseAgentLine(`@@LAB R 4 0 e  ${b64('y')}`);
  assert.ok(e?.kind === 'result');
  assert.deepEqual(e.truncated, { stdout: false, stderr: true });
});

test('a result whose base64 was damaged comes back as a failure that says so', () => {
  const r = parseAgentLine('@@LAB R 8 0 - aGk*** ');
  assert.ok(r?.kind === 'result');
  assert.equal(r.exitCode, 125);
  assert.match(r.stderr, /damaged/);
});

test('ready and pong lines; anything else is noise', () => {
  assert.deepEqual(parseAgentLine('@@LAB READY 1234-abcd'), { kind: 'ready', bootId: '1234-abcd' });
  assert.deepEqual(parseAgentLine('garbage@@LAB P 42'), { kind: 'pong', id: 42 });
  assert.deepEqual(parseAgentLine('@@LAB P 7 containerd=up'), { kind: 'pong', id: 7, containerd: true });
  assert.deepEqual(parseAgentLine('@@LAB P 7 containerd=down\r'), { kind: 'pong', id: 7, containerd: false });
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
