import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readBody } from './assets.ts';

/** A response whose body arrives in the given chunks, with an optional Content-Length. */
function streamed(chunks: number[][], length?: number): Response {
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const ch of chunks) c.enqueue(new Uint8Array(ch));
      c.close();
    },
  });
  return new Response(body, { headers: length === undefined ? {} : { 'content-length': String(length) } });
}

test('readBody: the announced length is filled chunk by chunk, with progress', async () => {
  const seen: number[] = [];
  const buf = await readBody(streamed([[1, 2], [3], [4, 5, 6]], 6), (n) => seen.push(n));
  assert.deepEqual([...new Uint8Array(buf)], [1, 2, 3, 4, 5, 6]);
  assert.equal(buf.byteLength, 6);
  assert.deepEqual(seen, [2, 3, 6]);
});

test('readBody: without a length (or a compressed one, shorter than the body) the buffer grows', async () => {
  const chunk = Array.from({ length: 40_000 }, (_, i) => i & 255);
  for (const length of [undefined, 10]) {
    const buf = await readBody(streamed([chunk, chunk, [7]], length));
    assert.equal(buf.byteLength, 80_001);
    const bytes = new Uint8Array(buf);
    assert.equal(bytes[40_000 + 300], 300 & 255);
    assert.equal(bytes[80_000], 7);
  }
});

test('readBody: a body shorter than announced is not padded', async () => {
  const buf = await readBody(streamed([[9, 9]], 100));
  assert.deepEqual([...new Uint8Array(buf)], [9, 9]);
});
