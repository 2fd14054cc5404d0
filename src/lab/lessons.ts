// Lessons are data: frontmatter plus MDX whose <Step> elements hold the commands to run and the
// check that proves they ran. This module reads that data without rendering anything, so the
// page, the unit tests and the real-VM tests all see the same steps.
import { createProcessor } from '@mdx-js/mdx';
import { parse as parseYaml } from 'yaml';

export interface LessonMeta {
  slug: string;
  title: string;
  summary: string;
  minutes: number;
  order: number;
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

export interface Lesson extends LessonMeta {
  /** The MDX without its frontmatter, ready to compile. */
  body: string;
  steps: LessonStep[];
}

/** Languages whose code blocks get a Run button (and count as a step's commands). */
const RUNNABLE = new Set(['sh', 'bash', 'shell']);
export function isRunnableLanguage(lang: string | null | undefined): boolean {
  return RUNNABLE.has((lang ?? '').toLowerCase());
}

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

export function parseLesson(slug: string, source: string): Lesson {
  const m = FRONTMATTER.exec(source);
  if (!m) throw new LessonFormatError(slug, 'missing frontmatter (--- title: ... ---)');
  const fm = (parseYaml(m[1]) ?? {}) as Record<string, unknown>;
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
  };
  if (fm.setup !== undefined) {
    if (typeof fm.setup !== 'string') throw new LessonFormatError(slug, 'frontmatter "setup" must be a string');
    meta.setup = fm.setup;
  }
  return { ...meta, body, steps: parseSteps(slug, body) };
}

// The parts of mdast (with MDX's JSX nodes) this module reads.
interface Node {
  type: string;
  name?: string | null;
  lang?: string | null;
  value?: string;
  attributes?: Array<{ type: string; name: string; value?: unknown }>;
  children?: Node[];
}

function attribute(node: Node, name: string): string | undefined {
  const a = node.attributes?.find((x) => x.type === 'mdxJsxAttribute' && x.name === name);
  // Only plain string attributes: an {expression} would need evaluating, which data must not.
  return typeof a?.value === 'string' ? a.value : undefined;
}

function codeBlocks(node: Node, out: string[] = []): string[] {
  if (node.type === 'code' && isRunnableLanguage(node.lang)) out.push((node.value ?? '').trim());
  for (const c of node.children ?? []) codeBlocks(c, out);
  return out;
}

export function parseSteps(slug: string, body: string): LessonStep[] {
  const tree = createProcessor({ format: 'mdx' }).parse(body) as unknown as Node;
  const steps: LessonStep[] = [];
  const visit = (node: Node) => {
    if ((node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name === 'Step') {
      const id = attribute(node, 'id');
      const title = attribute(node, 'title');
      const check = attribute(node, 'check');
      if (!id || !/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new LessonFormatError(slug, `a <Step> needs id="kebab-case" (got ${JSON.stringify(id)})`);
      if (!title) throw new LessonFormatError(slug, `<Step id="${id}"> needs a title`);
      if (!check) throw new LessonFormatError(slug, `<Step id="${id}"> needs check="..." (a plain string)`);
      if (steps.some((s) => s.id === id)) throw new LessonFormatError(slug, `two steps are called "${id}"`);
      const run = codeBlocks(node);
      if (!run.length) throw new LessonFormatError(slug, `<Step id="${id}"> has no runnable code block (\`\`\`sh)`);
      steps.push({ id, title, run, check });
      return; // steps do not nest
    }
    for (const c of node.children ?? []) visit(c);
  };
  visit(tree);
  return steps;
}

export function sortLessons<T extends LessonMeta>(lessons: T[]): T[] {
  return [...lessons].sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
}
