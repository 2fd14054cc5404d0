import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFailure, fillArgs, outcomeOf, parseCheckFailures } from './check-messages.ts';
import { lookup } from '../i18n/messages.ts';

test("the helpers' lines: a mark, a code, its arguments, tab-separated; other output is ignored", () => {
  assert.deepEqual(parseCheckFailures('noise\n✗\tfile-missing\t~/pid1.txt\n', '✗\tnote-differs\n'), [
    { code: 'file-missing', args: ['~/pid1.txt'] },
    { code: 'note-differs', args: [] },
  ]);
  assert.deepEqual(parseCheckFailures('✗ an old sentence\n'), []);
  assert.deepEqual(outcomeOf(2, '', 'grep: x: No such file\n'), { kind: 'exit', exitCode: 2, output: 'grep: x: No such file' });
});

test("a failure reads in the page's language: the lesson's message first, then the helper's sentence", () => {
  const helper = (locale: 'en' | 'zh') => (code: string) => lookup(locale, `check.${code}`);
  const f = { code: 'task-status', args: ['hello', 'STOPPED', 'RUNNING'] };
  assert.equal(describeFailure(f, {}, helper('en')), 'The task hello is STOPPED, not RUNNING.');
  assert.equal(describeFailure(f, {}, helper('zh')), '任务 hello 的状态是 STOPPED，而不是 RUNNING。');
  assert.equal(describeFailure({ code: 'note-differs', args: [] }, { 'note-differs': 'Your note differs.' }, helper('en')), 'Your note differs.');
  assert.equal(describeFailure({ code: 'mystery', args: ['a'] }, {}, helper('en')), 'mystery a');
  assert.equal(fillArgs('{1} and {3}', ['x']), 'x and {3}');
});
