import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LessonFormatError, parseLesson, slugFromDirname } from './lessons.ts';
import { loadLessons } from './load.ts';
import { LOCALES } from '../i18n/locales.ts';

const YAML = `id: t
part: start
order: 2
minutes: 5
setup: |
  echo one
  echo two
steps:
  make-file:
    check: |
      expect_file /tmp/x
      [ -s /tmp/x ] || fail empty-file
commands:
  outside: echo outside
  touch: echo hi > /tmp/x
  look: ls /tmp/x
  nope:
    sh: ls /nope
    fails: true
  shell:
    sh: sh
    input: [id, exit]
`;
const EN = `---
title: T
summary: S
messages:
  empty-file: /tmp/x is empty.
---
<Command id="outside" />

<Step id="make-file" title="Make a file">

<Command id="touch" />

\`\`\`text
not a command
\`\`\`

<Solution>

<Command id="look" />

</Solution>

</Step>

<Command id="nope" />

<Command id="shell" />
`;
const ZH = EN.replace('title: T', 'title: 标题').replace('Make a file', '创建文件').replace('/tmp/x is empty.', '/tmp/x 是空的。');

test('lesson.yaml gives the meta, the checks and the commands; en.mdx their order and the steps they sit in', () => {
  const l = parseLesson('02-t', YAML, { en: EN });
  assert.deepEqual([l.slug, l.title, l.summary, l.minutes, l.order, l.part], ['t', 'T', 'S', 5, 2, 'start']);
  assert.equal(l.setup, 'echo one\necho two\n');
  assert.equal(l.setupOnRestore, true, 'a setup runs after every restore unless the lesson says otherwise');
  assert.deepEqual(l.steps, [{ id: 'make-file', title: 'Make a file', run: ['echo hi > /tmp/x', 'ls /tmp/x'], check: 'expect_file /tmp/x\n[ -s /tmp/x ] || fail empty-file' }]);
  assert.deepEqual(
    l.blocks.map((b) => [b.id, b.step, b.code, b.fails, b.interactive, b.input]),
    [
      ['outside', undefined, 'echo outside', false, false, undefined],
      ['touch', 'make-file', 'echo hi > /tmp/x', false, false, undefined],
      ['look', 'make-file', 'ls /tmp/x', false, false, undefined],
      ['nope', undefined, 'ls /nope', true, false, undefined],
      ['shell', undefined, 'sh', false, true, ['id', 'exit']],
    ],
  );
  assert.deepEqual(l.texts.en.messages, { 'empty-file': '/tmp/x is empty.' });
});

test('a translation has its own prose, step titles and messages over the same steps and commands', () => {
  const l = parseLesson('02-t', YAML, { en: EN, zh: ZH });
  assert.equal(l.texts.zh?.title, '标题');
  assert.equal(l.texts.zh?.stepTitles['make-file'], '创建文件');
  assert.equal(l.texts.zh?.messages['empty-file'], '/tmp/x 是空的。');
  assert.equal(l.steps[0].title, 'Make a file'); // the lesson's own titles stay English
});

test('a translation whose steps or commands differ from English fails the build, saying how', () => {
  const bad = (zh: string, re: RegExp) => assert.throws(() => parseLesson('02-t', YAML, { en: EN, zh }), (e: Error) => e instanceof LessonFormatError && re.test(e.message) && /02-t\/zh\.mdx/.test(e.message));
  bad(ZH.replace('<Command id="nope" />\n', ''), /not placed as in en\.mdx/);
  bad(ZH.replace('<Solution>\n\n<Command id="look" />\n\n</Solution>', '').replace('<Command id="nope" />', '<Command id="nope" />\n\n<Command id="look" />'), /not placed as in en\.mdx/);
  bad(ZH.replace('id="make-file"', 'id="make-a-file"'), /not a step of lesson\.yaml/);
  bad(ZH.replace(/<Step[^>]*>/, '').replace('</Step>', ''), /its steps are \[\]/);
  bad(ZH.replace('  empty-file: /tmp/x 是空的。\n', '  other: x\n'), /messages/);
});

test('mistakes in a lesson are reported with the file and what is wrong', () => {
  const en = (f: (s: string) => string, re: RegExp, yaml = YAML) => assert.throws(() => parseLesson('02-t', yaml, { en: f(EN) }), re);
  en((s) => s.replace('<Command id="outside" />', '```sh\necho outside\n```'), /commands live in lesson\.yaml/);
  en((s) => s.replace('<Command id="outside" />', 'Run <Command id="outside" /> now'), /on its own line/);
  en((s) => s.replace('<Command id="outside" />', '<Command id="missing" />'), /names no command/);
  en((s) => s.replace('<Command id="nope" />', '<Command id="outside" />'), /placed twice|never placed/);
  en((s) => s.replace('<Command id="touch" />', '').replace('<Solution>\n\n<Command id="look" />\n\n</Solution>', ''), /no <Command>/);
  en((s) => s.replace('title: T\n', ''), /"title"/);
  en((s) => s.replace('title: T\n', 'title: T\nminutes: 3\n'), /only title, summary and messages/);
  en((s) => s, /never placed/, YAML.replace('commands:\n', 'commands:\n  extra: echo extra\n'));
  en((s) => s, /needs its text/, YAML.replace('commands:\n', 'commands:\n  extra: true\n'));
  en((s) => s.replace('empty-file: /tmp/x is empty.', 'empty-file: x\n  unused: y'), /used by no check/);
  en((s) => s.replace('empty-file: /tmp/x is empty.', 'empty-file: x\n  task-missing: y'), /check helper/);
  en((s) => s, /"minutes"/, YAML.replace('minutes: 5', 'minutes: five'));
  en((s) => s, /kebab-case/, YAML.replace('id: t', 'id: Not Kebab'));
  en((s) => s, /"part"/, YAML.replace('part: start', 'part: middle'));
  en((s) => s, /needs a check/, YAML.replace(/    check: \|\n(      .*\n)+/, '    check: ""\n'));
  assert.throws(() => parseLesson('02-t', YAML, { zh: ZH }), /en\.mdx/);
});

test("a lesson's identity is lesson.yaml's id; the folder's number only orders folders", () => {
  assert.equal(parseLesson('07-renamed', YAML, { en: EN }).slug, 't');
  assert.equal(slugFromDirname('01-meet-the-lab'), 'meet-the-lab');
});

test('the real lessons parse, in every language they have; "Meet the lab" comes first, in English and Chinese', () => {
  const lessons = loadLessons();
  assert.equal(lessons[0].slug, 'meet-the-lab');
  assert.ok(lessons[0].steps.length >= 3);
  for (const s of lessons[0].steps) assert.ok(s.run.length && s.check);
  assert.deepEqual(Object.keys(lessons[0].texts).sort(), [...LOCALES].sort());
});

test('a language with no translation of a lesson gets the English prose, marked as a fallback', async () => {
  const { lessonText } = await import('./localized.ts');
  const only = parseLesson('02-t', YAML, { en: EN });
  assert.deepEqual([lessonText(only, 'zh').title, lessonText(only, 'zh').fallback], ['T', true]);
  const both = parseLesson('02-t', YAML, { en: EN, zh: ZH });
  assert.deepEqual([lessonText(both, 'zh').title, lessonText(both, 'zh').fallback], ['标题', false]);
});

test('a quiz: its right choices in lesson.yaml, its question and choices (each with why) in the prose, counted in progress', async () => {
  const { progressIds } = await import('./lessons.ts');
  const yaml = `${YAML}quizzes:\n  kinds:\n    answer: [kata]\n`;
  const quiz = (why = ' why="It shares the kernel."') => `\n<Quiz id="kinds">\n\nWhich one boots a VM?\n\n<Choice id="runc"${why}>runc</Choice>\n<Choice id="kata" why="A VM per pod.">Kata</Choice>\n\n</Quiz>\n`;
  const l = parseLesson('02-t', yaml, { en: EN + quiz(), zh: ZH + quiz() });
  assert.deepEqual(l.quizzes, [{ id: 'kinds', answer: ['kata'], choices: ['runc', 'kata'] }]);
  assert.deepEqual(progressIds(l), ['make-file', 'kinds']);
  assert.throws(() => parseLesson('02-t', yaml, { en: EN }), /not placed with <Quiz/);
  assert.throws(() => parseLesson('02-t', yaml, { en: EN + quiz('') }), /why=/);
  assert.throws(() => parseLesson('02-t', yaml.replace('[kata]', '[vm]'), { en: EN + quiz() }), /answer vm is not one of its choices/);
  assert.throws(() => parseLesson('02-t', yaml, { en: EN + quiz(), zh: ZH + quiz().replace('id="runc"', 'id="crun"') }), /zh\.mdx: its quizzes/);
});

test('setup-on-restore: false skips the setup after a restore; it must be a boolean and needs a setup', () => {
  assert.equal(parseLesson('02-t', YAML.replace('setup: |', 'setup-on-restore: false\nsetup: |'), { en: EN }).setupOnRestore, false);
  assert.throws(() => parseLesson('02-t', YAML.replace('setup: |', 'setup-on-restore: no-thanks\nsetup: |'), { en: EN }), /"setup-on-restore" must be true or false/);
  const noSetup = YAML.replace('setup: |\n  echo one\n  echo two\n', 'setup-on-restore: false\n');
  assert.throws(() => parseLesson('02-t', noSetup, { en: EN }), /needs a setup/);
});
