import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockMeta, checkScript, parseBlockMeta } from './lesson-format.ts';

test('block metas: fails, interactive, and back', () => {
  assert.deepEqual(parseBlockMeta(' fails '), { fails: true, interactive: false });
  assert.deepEqual(parseBlockMeta('interactive'), { fails: false, interactive: true });
  assert.deepEqual(parseBlockMeta(undefined), { fails: false, interactive: false });
  for (const m of [{ fails: true, interactive: false }, { fails: false, interactive: true }, { fails: false, interactive: false }]) {
    assert.deepEqual(parseBlockMeta(blockMeta(m)), m);
  }
});

test('a check script loads the helpers first and fails loudly without them', () => {
  assert.match(checkScript('expect_file /x'), /^\. \/usr\/local\/lib\/lab\/check\.sh \|\| exit 99\nexpect_file \/x\n$/);
});
