import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventLog, LOG_FILE, parseLog } from './event-log.ts';

const tempDir = () => mkdtemp(join(tmpdir(), 'workshop-log-'));

test('appended events are replayed after a reopen, in order', async () => {
  const dir = await tempDir();
  const first = await EventLog.open<{ n: number }>(dir);
  assert.deepEqual(first.events, []);
  await Promise.all([1, 2, 3].map((n) => first.log.append({ n })));
  await first.log.close();
  const again = await EventLog.open<{ n: number }>(dir);
  assert.deepEqual(again.events, [{ n: 1 }, { n: 2 }, { n: 3 }]);
  assert.equal(again.tornBytes, 0);
  await again.log.close();
});

test('a torn last line (a crash mid-write) is cut off and kept aside; the next append starts a clean line', async () => {
  const dir = await tempDir();
  const path = join(dir, LOG_FILE);
  await writeFile(path, '{"n":1}\n{"n":2}\n{"n":3,"na');
  const opened = await EventLog.open<{ n: number }>(dir);
  assert.deepEqual(opened.events, [{ n: 1 }, { n: 2 }]);
  assert.equal(opened.tornBytes, Buffer.byteLength('{"n":3,"na'));
  await opened.log.append({ n: 4 });
  await opened.log.close();
  assert.equal(await readFile(path, 'utf8'), '{"n":1}\n{"n":2}\n{"n":4}\n');
  const torn = (await readdir(dir)).filter((f) => f.startsWith(`${LOG_FILE}.torn-`));
  assert.equal(torn.length, 1);
  assert.equal(await readFile(join(dir, torn[0]), 'utf8'), '{"n":3,"na');
  const reopened = await EventLog.open<{ n: number }>(dir);
  assert.deepEqual(reopened.events.map((e) => e.n), [1, 2, 4]);
  await reopened.log.close();
});

test('a whole last event that lost only its newline is kept, and the next one goes on a line of its own', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, LOG_FILE), '{"n":1}\n{"n":2}');
  const opened = await EventLog.open<{ n: number }>(dir);
  assert.deepEqual(opened.events.map((e) => e.n), [1, 2]);
  assert.equal(opened.tornBytes, 0);
  await opened.log.append({ n: 3 });
  await opened.log.close();
  assert.equal(await readFile(join(dir, LOG_FILE), 'utf8'), '{"n":1}\n{"n":2}\n{"n":3}\n');
});

test('a damaged line in the middle is skipped and counted, the rest replayed', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, LOG_FILE), '{"n":1}\nnot json\n\n{"n":2}\n');
  await appendFile(join(dir, LOG_FILE), '{"n":3}\n');
  const opened = await EventLog.open<{ n: number }>(dir);
  assert.deepEqual(opened.events.map((e) => e.n), [1, 2, 3]);
  assert.equal(opened.skippedLines, 1);
  await opened.log.close();
});

test('parseLog on an empty log and on a log of only a torn line', () => {
  assert.deepEqual(parseLog(''), { events: [], skippedLines: 0, tornBytes: 0, cleanLength: 0 });
  const torn = parseLog('{"type":"jo');
  assert.deepEqual(torn.events, []);
  assert.equal(torn.cleanLength, 0);
  assert.equal(torn.tornBytes, 11);
});
