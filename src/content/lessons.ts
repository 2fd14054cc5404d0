// Lessons are data: frontmatter plus MDX whose <Step> elements hold the commands to run and, in a
// ```sh check block, the check that proves they ran. This module reads that data without rendering
// anything, so the page, the unit tests and the lesson tests all see the same blocks and steps.
// The block metas are described in src/lab/lesson-format.ts.
import { createProcessor } from '@mdx-js/mdx';
import { parse as parseYaml } from 'yaml';
import { isRunnableLanguage, parseBlockMeta } from '../lab/lesson-format.ts';
import { PART_IDS } from './parts.ts';

export interface LessonMeta {
  slug: string;
  title: string;
  summary: string;
  minutes: number;
  order: number;
  /** The part of the course it belongs to (src/content/parts.ts). */
  part: string;
  /** Shell script run through the guest agent to prepare the lab (after start and after reset). */
  setup?: string;
}

export interface LessonStep {
  id: string;
  title: string;
  /** Commands from the step's runnable code blocks, in order, as the learner would type them. */
  run: string[];
  /** Exits 0 once the step is done. Runs through the guest agent, never in the learner's terminal. */
  check: string;
}

/** A command of the lesson, in document order, as Run types it (a check block is not one). */
export interface LessonBlock {
  code: string;
  /** The step it belongs to, if any. */
  step?: string;
  /** Meant to fail: the tests assert a non-zero exit status. */
  fails: boolean;
  /** Waits for input: the tests type `input` into it. */
  interactive: boolean;
  input?: string[];
}

export interface Lesson extends LessonMeta {
  /** The MDX without its frontmatter, ready to compile. */
  body: string;
  steps: LessonStep[];
  blocks: LessonBlock[];
}

/** Languages whose code blocks get a Run button (and count as a step's commands). */
export { isRunnableLanguage };

export class LessonFormatError extends Error {
  constructor(slug: string, problem: string) {
    super(`content/${slug}.mdx: ${problem}`);
    this.name = 'LessonFormatError';
  }
}

const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

/** "01-meet-the-lab.mdx" → "meet-the-lab": the number orders files on disk, not URLs. */
export function slugFromFilename(file: string): string {
  return file.replace(/\.mdx$/, '').replace(/^\d+-/, '');
}

/**
 * `file` is the name the lesson came from (for messages); its identity is the frontmatter's `id`,
 * which names its page and keys the learner's progress, so a renamed file loses nothing.
 */
export function parseLesson(file: string, source: string): Lesson {
  const m = FRONTMATTER.exec(source);
  if (!m) throw new LessonFormatError(file, 'missing frontmatter (--- title: ... ---)');
  const fm = (parseYaml(m[1]) ?? {}) as Record<string, unknown>;
  if (typeof fm.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(fm.id)) {
    throw new LessonFormatError(file, `frontmatter "id" must be a kebab-case name that never changes (got ${JSON.stringify(fm.id)})`);
  }
  const slug = fm.id;
  const need = (key: string, type: 'string' | 'number') => {
    if (typeof fm[key] !== type) throw new LessonFormatError(slug, `frontmatter "${key}" must be a ${type}`);
    return fm[key];
  };
  const body = source.slice(m[0].length);
  const meta: LessonMeta = {
    slug,
    title: need('title', 'string') as string,
    summary: need('summary', 'string') as string,
    minutes: need('minutes', 'number') as number,
    order: need('order', 'number') as number,
    part: need('part', 'string') as string,
  };
  if (!PART_IDS.includes(meta.part)) throw new LessonFormatError(file, `frontmatter "part" must be one of ${PART_IDS.join(', ')} (got "${meta.part}")`);
  if (fm.setup !== undefined) {
    if (typeof fm.setup !== 'string') throw new LessonFormatError(slug, 'frontmatter "setup" must be a string');
    meta.setup = fm.setup;
  }
  return { ...meta, body, ...parseBlocks(slug, body) };
}

/** The parts of mdast (with MDX's JSX nodes) the lesson reader and the page's remark plugin use. */
export interface MdxNode {
  type: string;
  name?: string | null;
  lang?: string | null;
  meta?: string | null;
  value?: string;
  attributes?: Array<{ type: string; name: string; value?: unknown }>;
  children?: MdxNode[];
  data?: { hProperties?: Record<string, unknown> };
}
type Node = MdxNode;

function attribute(node: Node, name: string): string | undefined {
  const a = node.attributes?.find((x) => x.type === 'mdxJsxAttribute' && x.name === name);
  // Only plain string attributes: an {expression} would need evaluating, which data must not.
  return typeof a?.value === 'string' ? a.value : undefined;
}

/** Steps and commands, in document order. */
export function parseBlocks(slug: string, body: string): { steps: LessonStep[]; blocks: LessonBlock[] } {
  const tree = createProcessor({ format: 'mdx' }).parse(body) as unknown as Node;
  const steps: LessonStep[] = [];
  const blocks: LessonBlock[] = [];
  const visit = (node: Node, step?: { id: string; checks: string[]; run: string[] }) => {
    if (node.type === 'code' && isRunnableLanguage(node.lang)) {
      const meta = parseBlockMeta(node.meta);
      const code = (node.value ?? '').trim();
      if (meta.check) {
        if (!step) throw new LessonFormatError(slug, 'a ```sh check block must be inside the <Step> it checks');
        step.checks.push(code);
        return;
      }
      if (meta.input && !meta.interactive) throw new LessonFormatError(slug, `"input=" is for interactive blocks (\`\`\`sh interactive input=...): ${code.split('\n')[0]}`);
      blocks.push({ code, step: step?.id, fails: meta.fails, interactive: meta.interactive, input: meta.input });
      step?.run.push(code);
      return;
    }
    if ((node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name === 'Step') {
      if (step) throw new LessonFormatError(slug, `<Step id="${step.id}"> holds another <Step>: steps do not nest`);
      const id = attribute(node, 'id');
      const title = attribute(node, 'title');
      if (!id || !/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new LessonFormatError(slug, `a <Step> needs id="kebab-case" (got ${JSON.stringify(id)})`);
      if (!title) throw new LessonFormatError(slug, `<Step id="${id}"> needs a title`);
      if (node.attributes?.some((a) => a.name === 'check')) {
        throw new LessonFormatError(slug, `<Step id="${id}">: write its check as a \`\`\`sh check block inside the step, not as an attribute`);
      }
      if (steps.some((s) => s.id === id)) throw new LessonFormatError(slug, `two steps are called "${id}"`);
      const current = { id, checks: [] as string[], run: [] as string[] };
      for (const c of node.children ?? []) visit(c, current);
      if (current.checks.length !== 1) throw new LessonFormatError(slug, `<Step id="${id}"> needs exactly one \`\`\`sh check block (it has ${current.checks.length})`);
      if (!current.run.length) throw new LessonFormatError(slug, `<Step id="${id}"> has no command to run (\`\`\`sh)`);
      steps.push({ id, title, run: current.run, check: current.checks[0] });
      return;
    }
    for (const c of node.children ?? []) visit(c, step);
  };
  visit(tree);
  return { steps, blocks };
}

export function sortLessons(lessons: Lesson[]): Lesson[] {
  return [...lessons].sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
}
