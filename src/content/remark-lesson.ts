// Compiling one language's prose of a lesson for the page (build time):
// - each <Command id /> becomes the fenced sh block of lesson.yaml's command, its kind (fails,
//   interactive) in a data-meta attribute for the CodeBlock component;
// - each <Step> gets its check from lesson.yaml as its `check` prop (shown folded, run by the page);
// - each <Quiz> gets its right choices from lesson.yaml as its `answer` prop;
// - each ## and ### heading gets an id, so search results and links can jump to the section.
import { blockMeta } from '../lab/lesson-format.ts';
import { attribute, isJsx, type Lesson, type MdxNode as Node } from './lessons.ts';

function textOf(node: Node): string {
  return node.value ?? (node.children ?? []).map(textOf).join('');
}

/** A heading's id: its words, lower-case, joined by dashes (CJK characters kept as they are). */
export function headingId(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s-]/gu, '')
      .trim()
      .replace(/\s+/g, '-') || 'section'
  );
}

export function remarkLesson({ lesson }: { lesson: Pick<Lesson, 'commands' | 'steps' | 'quizzes'> }) {
  return (tree: Node) => {
    const used = new Map<string, number>();
    const visit = (node: Node) => {
      const children = node.children ?? [];
      for (let i = 0; i < children.length; i++) {
        const c = children[i];
        if (isJsx(c, 'Command')) {
          const cmd = lesson.commands[attribute(c, 'id') ?? ''];
          if (!cmd) throw new Error(`<Command id="${attribute(c, 'id')}"> names no command of lesson.yaml`);
          const meta = blockMeta(cmd);
          children[i] = { type: 'code', lang: 'sh', meta: meta || null, value: cmd.code, data: meta ? { hProperties: { 'data-meta': meta } } : undefined };
          continue;
        }
        if (isJsx(c, 'Step')) {
          const step = lesson.steps.find((s) => s.id === attribute(c, 'id'));
          if (step) c.attributes = [...(c.attributes ?? []).filter((a) => a.name !== 'check'), { type: 'mdxJsxAttribute', name: 'check', value: step.check }];
        }
        if (isJsx(c, 'Quiz')) {
          const quiz = lesson.quizzes.find((q) => q.id === attribute(c, 'id'));
          if (quiz) c.attributes = [...(c.attributes ?? []).filter((a) => a.name !== 'answer'), { type: 'mdxJsxAttribute', name: 'answer', value: quiz.answer.join(' ') }];
        }
        if (c.type === 'heading' && (c.depth === 2 || c.depth === 3)) {
          const base = headingId(textOf(c));
          const n = used.get(base) ?? 0;
          used.set(base, n + 1);
          c.data = { ...c.data, hProperties: { ...c.data?.hProperties, id: n ? `${base}-${n + 1}` : base } };
        }
        visit(c);
      }
    };
    visit(tree);
  };
}
