import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFailureText, checkScript, parseBlockMeta } from './lesson-format.ts';

test('block metas: check, fails, interactive with its input lines', () => {
  assert.deepEqual(parseBlockMeta('check'), { check: true, fails: false, interactive: false, input: undefined });
  assert.deepEqual(parseBlockMeta(' fails '), { check: false, fails: true, interactive: false, input: undefined });
  assert.deepEqual(parseBlockMeta('interactive input=ps\\nexit'), { check: false, fails: false, interactive: true, input: ['ps', 'exit'] });
  assert.deepEqual(parseBlockMeta(undefined), { check: false, fails: false, interactive: false, input: undefined });
});

test("a failed check shows the helpers' sentences, else its status and output", () => {
  assert.equal(checkFailureText(1, '✗ There is no task called hello yet.\n', ''), 'There is no task called hello yet.');
  assert.equal(checkFailureText(1, 'noise\n✗ One.\n', '✗ Two.\n'), 'One.\nTwo.');
  assert.equal(checkFailureText(2, '', 'grep: x: No such file\n'), 'exit status 2\ngrep: x: No such file');
  assert.equal(checkFailureText(1, '', ''), 'exit status 1');
});

test('a check script loads the helpers first and fails loudly without them', () => {
  assert.match(checkScript('expect_file /x'), /^\. \/usr\/local\/lib\/lab\/check\.sh \|\| exit 99\nexpect_file \/x\n$/);
});
