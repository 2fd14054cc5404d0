import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LessonFormatError, parseLesson, slugFromFilename } from './lessons.ts';
import { loadLessons } from './content.ts';

const lesson = (body: string, extra = '') => `---\ntitle: T\nsummary: S\nminutes: 5\norder: 2\n${extra}---\n${body}`;

test('frontmatter becomes the lesson meta, setup included', () => {
  const l = parseLesson('x', lesson('Hello', 'setup: |\n  echo one\n  echo two\n'));
  assert.deepEqual([l.title, l.summary, l.minutes, l.order], ['T', 'S', 5, 2]);
  assert.equal(l.setup, 'echo one\necho two\n');
  assert.equal(l.body, 'Hello');
  assert.deepEqual(l.steps, []);
});

test('a Step gives its id, title, check and the commands of its runnable code blocks', () => {
  const body = [
    '```sh\necho outside\n```',
    '<Step id="make-file" title="Make a file" check="test -f /tmp/x">',
    '',
    '```sh\ntouch /tmp/x\n```',
    '',
    '```text\nnot a command\n```',
    '',
    '<Solution>',
    '',
    '```bash\nls /tmp/x\n```',
    '',
    '</Solution>',
    '</Step>',
  ].join('\n');
  assert.deepEqual(parseLesson('x', lesson(body)).steps, [{ id: 'make-file', title: 'Make a file', run: ['touch /tmp/x', 'ls /tmp/x'], check: 'test -f /tmp/x' }]);
});

test('quotes in a check survive, as entities or inside single quotes', () => {
  const body = `<Step id="a" title="A" check="grep -q '&quot;running&quot;' f">\n\n\`\`\`sh\ntrue\n\`\`\`\n\n</Step>\n\n<Step id="b" title="B" check='awk "{print}" f'>\n\n\`\`\`sh\ntrue\n\`\`\`\n\n</Step>`;
  assert.deepEqual(parseLesson('x', lesson(body)).steps.map((s) => s.check), [`grep -q '"running"' f`, 'awk "{print}" f']);
});

test('mistakes are reported with the file and what is wrong', () => {
  assert.throws(() => parseLesson('bad', 'no frontmatter'), LessonFormatError);
  assert.throws(() => parseLesson('bad', lesson('<Step id="a" title="A">\n\n```sh\ntrue\n```\n\n</Step>')), /needs check/);
  assert.throws(() => parseLesson('bad', lesson('<Step id="a" title="A" check="true">\n\nno code\n\n</Step>')), /no runnable code block/);
  assert.throws(() => parseLesson('bad', lesson('<Step id="a" title="A" check="true">\n\n```sh\ntrue\n```\n\n</Step>\n\n<Step id="a" title="A" check="true">\n\n```sh\ntrue\n```\n\n</Step>')), /two steps/);
  assert.throws(() => parseLesson('bad', lesson('hi').replace('minutes: 5', 'minutes: five')), /minutes/);
});

test('file names order lessons; slugs drop the number', () => {
  assert.equal(slugFromFilename('01-meet-the-lab.mdx'), 'meet-the-lab');
});

test('the real lessons parse; "Meet the lab" comes first with at least three checked steps', () => {
  const lessons = loadLessons();
  assert.equal(lessons[0].slug, 'meet-the-lab');
  assert.ok(lessons[0].steps.length >= 3);
  for (const s of lessons[0].steps) assert.ok(s.run.length && s.check);
});
