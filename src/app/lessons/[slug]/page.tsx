// One lesson: its MDX compiled at build time, beside the lab.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { evaluate } from '@mdx-js/mdx';
import * as runtime from 'react/jsx-runtime';
import { loadLesson, loadLessons } from '../../../content/load.ts';
import { remarkLesson } from '../../../content/remark-lesson.ts';
import { mdxComponents } from '../../../components/MDX/index.ts';
import { LessonProvider } from '../../../components/MDX/LessonContext.tsx';
import { LessonWorkspace } from '../../../components/LessonWorkspace.tsx';

export const dynamicParams = false;

export function generateStaticParams() {
  return loadLessons().map((l) => ({ slug: l.slug }));
}

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const lesson = loadLesson((await params).slug);
  return lesson ? { title: lesson.title, description: lesson.summary } : {};
}

export default async function LessonPage({ params }: Props) {
  const { slug } = await params;
  const lesson = loadLesson(slug);
  if (!lesson) notFound();
  const { default: Content } = await evaluate(lesson.body, { ...runtime, development: false, remarkPlugins: [remarkLesson] });
  const links = loadLessons().map((l) => ({ slug: l.slug, title: l.title, stepIds: l.steps.map((s) => s.id) }));
  const current = links.find((l) => l.slug === slug)!;
  return (
    <LessonWorkspace lessons={links} current={current} setup={lesson.setup}>
      <LessonProvider slug={slug}>
        <header className="lesson-header">
          <h1>{lesson.title}</h1>
          <p className="lead">{lesson.summary}</p>
          <p className="muted small">
            About {lesson.minutes} minutes · {lesson.steps.length} checked steps
          </p>
        </header>
        <Content components={mdxComponents} />
      </LessonProvider>
    </LessonWorkspace>
  );
}
