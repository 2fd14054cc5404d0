import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LessonFormatError, parseLesson, slugFromFilename } from './lessons.ts';
import { loadLessons } from './load.ts';

const lesson = (body: string, extra = '') => `---\nid: t\npart: start\ntitle: T\nsummary: S\nminutes: 5\norder: 2\n${extra}---\n${body}`;

test('frontmatter becomes the lesson meta, setup included', () => {
  const l = parseLesson('x', lesson('Hello', 'setup: |\n  echo one\n  echo two\n'));
  assert.deepEqual([l.title, l.summary, l.minutes, l.order], ['T', 'S', 5, 2]);
  assert.equal(l.setup, 'echo one\necho two\n');
  assert.equal(l.body, 'Hello');
  assert.deepEqual(l.steps, []);
});

test('a Step gives its id, title, its commands in order and its check block', () => {
  const body = [
    '```sh\necho outside\n```',
    '<Step id="make-file" title="Make a file">',
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
    '',
    '```sh check\nexpect_file /tmp/x\n```',
    '',
    '</Step>',
    '',
    '```sh fails\nls /nope\n```',
    '',
    '```sh interactive input=id\\nexit\nsh\n```',
  ].join('\n');
  const l = parseLesson('x', lesson(body));
  assert.deepEqual(l.steps, [{ id: 'make-file', title: 'Make a file', run: ['touch /tmp/x', 'ls /tmp/x'], check: 'expect_file /tmp/x' }]);
  assert.deepEqual(l.blocks, [
    { code: 'echo outside', step: undefined, fails: false, interactive: false, input: undefined },
    { code: 'touch /tmp/x', step: 'make-file', fails: false, interactive: false, input: undefined },
    { code: 'ls /tmp/x', step: 'make-file', fails: false, interactive: false, input: undefined },
    { code: 'ls /nope', step: undefined, fails: true, interactive: false, input: undefined },
    { code: 'sh', step: undefined, fails: false, interactive: true, input: ['id', 'exit'] },
  ]);
});

test('a check is code: quotes need no escaping', () => {
  const body = '<Step id="a" title="A">\n\n```sh\ntrue\n```\n\n```sh check\ngrep -q \'"running"\' f && awk \'$1 == "x"\' f\n```\n\n</Step>';
  assert.equal(parseLesson('x', lesson(body)).steps[0].check, `grep -q '"running"' f && awk '$1 == "x"' f`);
});

test('mistakes are reported with the file and what is wrong', () => {
  const step = (inner: string) => lesson(`<Step id="a" title="A">\n\n${inner}\n\n</Step>`);
  assert.throws(() => parseLesson('bad', 'no frontmatter'), LessonFormatError);
  assert.throws(() => parseLesson('bad', step('```sh\ntrue\n```')), /exactly one ```sh check block/);
  assert.throws(() => parseLesson('bad', step('```sh check\ntrue\n```')), /no command to run/);
  assert.throws(() => parseLesson('bad', lesson('<Step id="a" title="A" check="true">\n\n```sh\ntrue\n```\n\n</Step>')), /not as an attribute/);
  assert.throws(() => parseLesson('bad', lesson('```sh check\ntrue\n```')), /inside the <Step>/);
  assert.throws(() => parseLesson('bad', step('```sh\ntrue\n```\n\n```sh check\ntrue\n```') + '\n\n' + '<Step id="a" title="A">\n\n```sh\ntrue\n```\n\n```sh check\ntrue\n```\n\n</Step>'), /two steps/);
  assert.throws(() => parseLesson('bad', lesson('```sh input=x\ntrue\n```')), /interactive/);
  assert.throws(() => parseLesson('bad', lesson('hi').replace('minutes: 5', 'minutes: five')), /minutes/);
  assert.throws(() => parseLesson('bad', lesson('hi').replace('id: t\n', '')), /frontmatter "id"/);
  assert.throws(() => parseLesson('bad', lesson('hi').replace('id: t', 'id: Not Kebab')), /kebab-case/);
});

test("a lesson's identity is its frontmatter id, not its file name", () => {
  assert.equal(parseLesson('07-renamed-file', lesson('hi')).slug, 't');
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
