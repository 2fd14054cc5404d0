// Compiling a lesson for the page (build time): each fenced block keeps its info-string words
// (check, fails, interactive) as a data-meta attribute for the CodeBlock component, and each
// <Step> gets its ```sh check block's script as its `check` prop (authors never write that prop:
// a check is code, reviewed as code).
import { isRunnableLanguage, parseBlockMeta } from '../lab/lesson-format.ts';
import type { MdxNode as Node } from './lessons.ts';

function visit(node: Node, step?: Node): void {
  if (node.type === 'code') {
    if (node.meta) node.data = { ...node.data, hProperties: { ...node.data?.hProperties, 'data-meta': node.meta } };
    if (step && isRunnableLanguage(node.lang) && parseBlockMeta(node.meta).check) {
      step.attributes = [...(step.attributes ?? []), { type: 'mdxJsxAttribute', name: 'check', value: (node.value ?? '').trim() }];
    }
    return;
  }
  const isStep = (node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name === 'Step';
  for (const c of node.children ?? []) visit(c, isStep ? node : step);
}

export function remarkLesson() {
  return (tree: Node) => visit(tree);
}
