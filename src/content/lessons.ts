// Lessons are data. A lesson is a folder (content/<nn>-<id>/):
//   lesson.yaml  what does not depend on the language, held once: id, part, order, minutes, setup,
//                each step's check, and every command the learner runs
//   en.mdx       the English prose (the source language: every lesson has it)
//   zh.mdx ...   other languages' prose
// The prose places the steps (<Step id title>) and the commands (<Command id />); it never holds a
// command's text, so the languages cannot drift apart. This module reads all of it without
// rendering anything, so the page, the unit tests and the lesson tests see the same steps and
// commands, and it fails the build when a translation's steps or commands differ from English's.
import { createProcessor } from '@mdx-js/mdx';
import { parse as parseYaml } from 'yaml';
import { isRunnableLanguage } from '../lab/lesson-format.ts';
import { HELPER_CODES } from '../lab/check-messages.ts';
import { LOCALES, SOURCE_LOCALE, type Locale } from '../i18n/locales.ts';
import { PART_IDS } from './parts.ts';

export interface LessonMeta {
  slug: string;
  /** English title and summary (for messages and tests; pages use `texts`). */
  title: string;
  summary: string;
  minutes: number;
  order: number;
  /** The part of the course it belongs to (src/content/parts.ts). */
  part: string;
  /** Shell script run through the guest agent to prepare the lab (after start and after reset). */
  setup?: string;
  /**
   * False when a freshly restored lab is already this lesson's start (its setup only undoes what
   * the learner did): the page then runs the setup when the learner comes from another lesson, not
   * after a restore (first visit, reload, Reset). The lesson tests check that such a setup changes
   * nothing in a restored lab.
   */
  setupOnRestore: boolean;
}

/** A command of lesson.yaml: what Run types into the console. */
export interface LessonCommand {
  id: string;
  code: string;
  /** Meant to fail: the tests assert a non-zero exit status; the page says so. */
  fails: boolean;
  /** Waits for input: the tests type `input` into it, line by line. */
  interactive: boolean;
  input?: string[];
}

export interface LessonStep {
  id: string;
  /** The English title. */
  title: string;
  /** The step's commands, in order, as the learner would type them. */
  run: string[];
  /** Exits 0 once the step is done. Runs through the guest agent, never in the learner's terminal. */
  check: string;
}

/** A question for what no terminal can show: its right choices are held once, in lesson.yaml. */
export interface LessonQuiz {
  id: string;
  /** The ids of the right choices: one for a single-choice question, several for "pick all". */
  answer: string[];
  /** The ids of all its choices, in the prose's order. */
  choices: string[];
}

/** A command in document order, with the step it sits in. */
export interface LessonBlock extends LessonCommand {
  step?: string;
}

/** One language's prose of a lesson. */
export interface LessonText {
  locale: Locale;
  title: string;
  summary: string;
  /** The MDX without its frontmatter, ready to compile. */
  body: string;
  stepTitles: Record<string, string>;
  /** What a check's `fail <code>` says in this language (the helpers' own codes are in the UI catalogue). */
  messages: Record<string, string>;
}

export interface Lesson extends LessonMeta {
  steps: LessonStep[];
  quizzes: LessonQuiz[];
  blocks: LessonBlock[];
  commands: Record<string, LessonCommand>;
  /** The prose of each language that has it; English always. */
  texts: Partial<Record<Locale, LessonText>> & { en: LessonText };
}

export class LessonFormatError extends Error {
  constructor(where: string, problem: string) {
    super(`content/${where}: ${problem}`);
    this.name = 'LessonFormatError';
  }
}

const ID = /^[a-z0-9][a-z0-9-]*$/;
const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

/** "01-meet-the-lab" → "meet-the-lab": the number orders folders on disk, not URLs. */
export function slugFromDirname(dir: string): string {
  return dir.replace(/^\d+-/, '');
}

type Yaml = Record<string, unknown>;

function parseCommand(where: string, id: string, v: unknown): LessonCommand {
  if (!ID.test(id)) throw new LessonFormatError(where, `command ids are kebab-case (got "${id}")`);
  if (typeof v === 'string') return { id, code: v.trim(), fails: false, interactive: false };
  const c = (v ?? {}) as Yaml;
  if (typeof c.sh !== 'string' || !c.sh.trim()) throw new LessonFormatError(where, `command "${id}" needs its text as a string or as sh:`);
  const unknown = Object.keys(c).filter((k) => !['sh', 'fails', 'input'].includes(k));
  if (unknown.length) throw new LessonFormatError(where, `command "${id}": unknown key(s) ${unknown.join(', ')} (sh, fails, input)`);
  if (c.input !== undefined && !(Array.isArray(c.input) && c.input.every((x) => typeof x === 'string'))) {
    throw new LessonFormatError(where, `command "${id}": input is a list of lines to type`);
  }
  const input = c.input as string[] | undefined;
  return { id, code: c.sh.trim(), fails: c.fails === true, interactive: input !== undefined, input };
}

/**
 * `dir` is the lesson's folder name (for messages); its identity is lesson.yaml's `id`, which names
 * its page and keys the learner's progress, so a renamed folder loses nothing.
 */
export function parseLesson(dir: string, yamlSource: string, mdx: Partial<Record<Locale, string>>): Lesson {
  const where = `${dir}/lesson.yaml`;
  const y = (parseYaml(yamlSource) ?? {}) as Yaml;
  if (typeof y.id !== 'string' || !ID.test(y.id)) {
    throw new LessonFormatError(where, `"id" must be a kebab-case name that never changes (got ${JSON.stringify(y.id)})`);
  }
  const need = (key: string, type: 'string' | 'number') => {
    if (typeof y[key] !== type) throw new LessonFormatError(where, `"${key}" must be a ${type}`);
    return y[key];
  };
  const part = need('part', 'string') as string;
  if (!PART_IDS.includes(part)) throw new LessonFormatError(where, `"part" must be one of ${PART_IDS.join(', ')} (got "${part}")`);
  if (y.setup !== undefined && typeof y.setup !== 'string') throw new LessonFormatError(where, '"setup" must be a string');
  const onRestore = y['setup-on-restore'] ?? true;
  if (typeof onRestore !== 'boolean') throw new LessonFormatError(where, '"setup-on-restore" must be true or false');
  if (!onRestore && y.setup === undefined) throw new LessonFormatError(where, '"setup-on-restore: false" needs a setup');
  const checks = new Map<string, string>();
  for (const [id, s] of Object.entries((y.steps ?? {}) as Yaml)) {
    if (!ID.test(id)) throw new LessonFormatError(where, `step ids are kebab-case (got "${id}")`);
    const check = (s as Yaml | null)?.check;
    if (typeof check !== 'string' || !check.trim()) throw new LessonFormatError(where, `step "${id}" needs a check: (a bash script that exits 0 once the step is done)`);
    checks.set(id, check.trim());
  }
  const commands: Record<string, LessonCommand> = {};
  for (const [id, v] of Object.entries((y.commands ?? {}) as Yaml)) commands[id] = parseCommand(where, id, v);
  const answers = new Map<string, string[]>();
  for (const [id, q] of Object.entries((y.quizzes ?? {}) as Yaml)) {
    const answer = (q as Yaml | null)?.answer;
    if (!ID.test(id) || checks.has(id)) throw new LessonFormatError(where, `quiz "${id}": ids are kebab-case and differ from the steps'`);
    if (!Array.isArray(answer) || !answer.length || !answer.every((a) => typeof a === 'string')) throw new LessonFormatError(where, `quiz "${id}" needs answer: [the ids of its right choices]`);
    answers.set(id, answer as string[]);
  }

  if (!mdx.en) throw new LessonFormatError(dir, 'every lesson has en.mdx (English is the source language)');
  const texts: Partial<Record<Locale, LessonText>> = {};
  const outlines: Partial<Record<Locale, Outline>> = {};
  for (const locale of LOCALES) {
    const source = mdx[locale];
    if (source === undefined) continue;
    const [text, outline] = parseText(`${dir}/${locale}.mdx`, locale, source, checks, commands, answers);
    texts[locale] = text;
    outlines[locale] = outline;
  }
  const en = outlines.en!;
  const used = new Set(en.blocks.map((b) => b.id));
  const unused = Object.keys(commands).filter((id) => !used.has(id));
  if (unused.length) throw new LessonFormatError(`${dir}/en.mdx`, `lesson.yaml's command(s) ${unused.join(', ')} are never placed with <Command id="..." />`);
  const stepIds = [...checks.keys()];
  const shape = (o: Outline) => o.blocks.map((b) => `${b.step ?? '-'}:${b.id}`).join(' ');
  for (const locale of LOCALES) {
    const o = outlines[locale];
    if (!o) continue;
    if (o.steps.join(' ') !== stepIds.join(' ')) {
      throw new LessonFormatError(`${dir}/${locale}.mdx`, `its steps are [${o.steps.join(', ')}]; lesson.yaml has [${stepIds.join(', ')}] (same ids, same order)`);
    }
    const quizShape = (x: Outline) => x.quizzes.map((q) => `${q.id}(${q.choices.join(',')})`).join(' ');
    if (quizShape(o) !== [...answers.keys()].map((id) => `${id}(${(en.quizzes.find((q) => q.id === id)?.choices ?? []).join(',')})`).join(' ')) {
      throw new LessonFormatError(`${dir}/${locale}.mdx`, `its quizzes are [${quizShape(o)}]; lesson.yaml has [${[...answers.keys()].join(', ')}] (en.mdx: ${quizShape(en)})`);
    }
    if (locale !== SOURCE_LOCALE && shape(o) !== shape(en)) {
      throw new LessonFormatError(`${dir}/${locale}.mdx`, `its commands are not placed as in en.mdx (step:command)\n  en: ${shape(en)}\n  ${locale}: ${shape(o)}`);
    }
    const keys = Object.keys(texts[locale]!.messages).sort().join(' ');
    const enKeys = Object.keys(texts.en!.messages).sort().join(' ');
    if (keys !== enKeys) throw new LessonFormatError(`${dir}/${locale}.mdx`, `its messages are [${keys}]; en.mdx has [${enKeys}]`);
  }
  const allChecks = [...checks.values()].join('\n');
  for (const key of Object.keys(texts.en!.messages)) {
    if ((HELPER_CODES as readonly string[]).includes(key)) throw new LessonFormatError(`${dir}/en.mdx`, `message "${key}" has the name of a check helper's code: choose another`);
    if (!new RegExp(`(^|[\\s'"])${key}($|[\\s'"])`, 'm').test(allChecks)) throw new LessonFormatError(`${dir}/en.mdx`, `message "${key}" is used by no check in lesson.yaml`);
  }

  const blocks: LessonBlock[] = en.blocks.map((b) => ({ ...commands[b.id], step: b.step }));
  const steps: LessonStep[] = stepIds.map((id) => ({
    id,
    title: texts.en!.stepTitles[id],
    run: blocks.filter((b) => b.step === id).map((b) => b.code),
    check: checks.get(id)!,
  }));
  const quizzes: LessonQuiz[] = en.quizzes.map((q) => ({ id: q.id, answer: answers.get(q.id)!, choices: q.choices }));
  return {
    slug: y.id,
    title: texts.en!.title,
    summary: texts.en!.summary,
    minutes: need('minutes', 'number') as number,
    order: need('order', 'number') as number,
    part,
    ...(y.setup !== undefined ? { setup: y.setup as string } : {}),
    setupOnRestore: onRestore,
    steps,
    quizzes,
    blocks,
    commands,
    texts: texts as Lesson['texts'],
  };
}

/** The parts of mdast (with MDX's JSX nodes) the lesson reader and the page's remark plugin use. */
export interface MdxNode {
  type: string;
  name?: string | null;
  lang?: string | null;
  meta?: string | null;
  value?: string;
  depth?: number;
  attributes?: Array<{ type: string; name: string; value?: unknown }>;
  children?: MdxNode[];
  data?: { hProperties?: Record<string, unknown> };
}
type Node = MdxNode;

export function isJsx(node: Node, name: string): boolean {
  return (node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name === name;
}

export function attribute(node: Node, name: string): string | undefined {
  const a = node.attributes?.find((x) => x.type === 'mdxJsxAttribute' && x.name === name);
  // Only plain string attributes: an {expression} would need evaluating, which data must not.
  return typeof a?.value === 'string' ? a.value : undefined;
}

interface Outline {
  steps: string[];
  blocks: Array<{ id: string; step?: string }>;
  quizzes: Array<{ id: string; choices: string[] }>;
}

function parseText(where: string, locale: Locale, source: string, checks: Map<string, string>, commands: Record<string, LessonCommand>, answers: Map<string, string[]>): [LessonText, Outline] {
  const m = FRONTMATTER.exec(source);
  if (!m) throw new LessonFormatError(where, 'missing frontmatter (--- title: ... summary: ... ---)');
  const fm = (parseYaml(m[1]) ?? {}) as Yaml;
  for (const key of ['title', 'summary'] as const) {
    if (typeof fm[key] !== 'string' || !fm[key]) throw new LessonFormatError(where, `frontmatter "${key}" must be a string`);
  }
  const extra = Object.keys(fm).filter((k) => !['title', 'summary', 'messages'].includes(k));
  if (extra.length) throw new LessonFormatError(where, `frontmatter has ${extra.join(', ')}: an MDX file holds only title, summary and messages (the rest is in lesson.yaml)`);
  const messages = (fm.messages ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(messages)) {
    if (!ID.test(k) || typeof v !== 'string') throw new LessonFormatError(where, `messages: "${k}" must be a kebab-case code with a sentence`);
  }
  const body = source.slice(m[0].length);
  const tree = createProcessor({ format: 'mdx' }).parse(body) as unknown as Node;
  const outline: Outline = { steps: [], blocks: [], quizzes: [] };
  const stepTitles: Record<string, string> = {};
  const visit = (node: Node, step?: { id: string; commands: number }) => {
    if (node.type === 'code' && isRunnableLanguage(node.lang)) {
      throw new LessonFormatError(where, `a \`\`\`${node.lang} block (${(node.value ?? '').split('\n')[0]}): commands live in lesson.yaml and are placed with <Command id="..." /> (for text that is not to be run, use \`\`\`console or \`\`\`text)`);
    }
    if (isJsx(node, 'Command')) {
      if (node.type !== 'mdxJsxFlowElement') throw new LessonFormatError(where, `<Command id="${attribute(node, 'id')}" /> must stand on its own line, with blank lines around it`);
      const id = attribute(node, 'id');
      if (!id || !commands[id]) throw new LessonFormatError(where, `<Command id="${id}"> names no command of lesson.yaml`);
      if (outline.blocks.some((b) => b.id === id)) throw new LessonFormatError(where, `<Command id="${id}"> is placed twice`);
      outline.blocks.push({ id, step: step?.id });
      if (step) step.commands++;
      return;
    }
    if (isJsx(node, 'Quiz')) {
      const id = attribute(node, 'id');
      if (!id || !answers.has(id)) throw new LessonFormatError(where, `<Quiz id="${id}"> is not a quiz of lesson.yaml (quizzes: ${[...answers.keys()].join(', ') || 'none'})`);
      if (outline.quizzes.some((q) => q.id === id)) throw new LessonFormatError(where, `two quizzes are called "${id}"`);
      const choices: string[] = [];
      const collect = (n: Node) => {
        if (isJsx(n, 'Choice')) {
          const c = attribute(n, 'id');
          if (!c || !ID.test(c) || choices.includes(c)) throw new LessonFormatError(where, `<Quiz id="${id}">: each <Choice> needs its own kebab-case id (got ${JSON.stringify(c)})`);
          if (!attribute(n, 'why')) throw new LessonFormatError(where, `<Quiz id="${id}"> <Choice id="${c}">: say why it is right or wrong in why="..."`);
          choices.push(c);
          return;
        }
        for (const c of n.children ?? []) collect(c);
      };
      collect(node);
      const wrong = answers.get(id)!.filter((a) => !choices.includes(a));
      if (choices.length < 2) throw new LessonFormatError(where, `<Quiz id="${id}"> needs at least two <Choice>s`);
      if (wrong.length) throw new LessonFormatError(where, `<Quiz id="${id}">: lesson.yaml's answer ${wrong.join(', ')} is not one of its choices (${choices.join(', ')})`);
      outline.quizzes.push({ id, choices });
      return;
    }
    if (isJsx(node, 'Step')) {
      if (step) throw new LessonFormatError(where, `<Step id="${step.id}"> holds another <Step>: steps do not nest`);
      const id = attribute(node, 'id');
      const title = attribute(node, 'title');
      if (!id || !checks.has(id)) throw new LessonFormatError(where, `<Step id="${id}"> is not a step of lesson.yaml (steps: ${[...checks.keys()].join(', ')})`);
      if (!title) throw new LessonFormatError(where, `<Step id="${id}"> needs a title`);
      if (outline.steps.includes(id)) throw new LessonFormatError(where, `two steps are called "${id}"`);
      outline.steps.push(id);
      stepTitles[id] = title;
      const current = { id, commands: 0 };
      for (const c of node.children ?? []) visit(c, current);
      if (!current.commands) throw new LessonFormatError(where, `<Step id="${id}"> has no <Command> for the learner to run`);
      return;
    }
    for (const c of node.children ?? []) visit(c, step);
  };
  visit(tree);
  const missing = [...answers.keys()].filter((id) => !outline.quizzes.some((q) => q.id === id));
  if (missing.length) throw new LessonFormatError(where, `lesson.yaml's quiz(zes) ${missing.join(', ')} are not placed with <Quiz id="...">`);
  return [{ locale, title: fm.title as string, summary: fm.summary as string, body, stepTitles, messages: messages as Record<string, string> }, outline];
}

export function sortLessons(lessons: Lesson[]): Lesson[] {
  return [...lessons].sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
}

/** What counts in a learner's progress through a lesson: its steps, then its quizzes. */
export function progressIds(lesson: Pick<Lesson, 'steps' | 'quizzes'>): string[] {
  return [...lesson.steps.map((s) => s.id), ...lesson.quizzes.map((q) => q.id)];
}
