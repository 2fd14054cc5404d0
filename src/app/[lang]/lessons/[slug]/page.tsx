// One lesson in one language: its MDX compiled at build time, beside the lab. A language with no
// translation of it yet shows the English, with a notice.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { evaluate } from '@mdx-js/mdx';
import remarkGfm from 'remark-gfm';
import * as runtime from 'react/jsx-runtime';
import { loadLesson, loadLessons } from '../../../../content/load.ts';
import { progressIds } from '../../../../content/lessons.ts';
import { lessonText } from '../../../../content/localized.ts';
import { remarkLesson } from '../../../../content/remark-lesson.ts';
import { HTML_LANG, LOCALES, isLocale } from '../../../../i18n/locales.ts';
import { translator } from '../../../../i18n/messages.ts';
import { mdxComponents } from '../../../../components/MDX/index.ts';
import { LessonProvider } from '../../../../components/MDX/LessonContext.tsx';
import { LessonWorkspace } from '../../../../components/LessonWorkspace.tsx';

export const dynamicParams = false;

export function generateStaticParams() {
  return LOCALES.flatMap((lang) => loadLessons().map((l) => ({ lang, slug: l.slug })));
}

type Props = { params: Promise<{ lang: string; slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { lang, slug } = await params;
  const lesson = loadLesson(slug);
  if (!lesson || !isLocale(lang)) return {};
  const text = lessonText(lesson, lang);
  return {
    title: text.title,
    description: text.summary,
    alternates: { languages: Object.fromEntries(LOCALES.filter((l) => lesson.texts[l]).map((l) => [HTML_LANG[l], `/${l}/lessons/${slug}/`])) },
  };
}

export default async function LessonPage({ params }: Props) {
  const { lang, slug } = await params;
  const lesson = loadLesson(slug);
  if (!lesson || !isLocale(lang)) notFound();
  const t = translator(lang);
  const text = lessonText(lesson, lang);
  const { default: Content } = await evaluate(text.body, { ...runtime, development: false, remarkPlugins: [remarkGfm, [remarkLesson, { lesson }]] });
  const links = loadLessons().map((l) => ({ slug: l.slug, title: lessonText(l, lang).title, stepIds: progressIds(l) }));
  const current = links.find((l) => l.slug === slug)!;
  const reading = lesson.steps.length === 0 && Object.keys(lesson.commands).length === 0;
  return (
    <LessonWorkspace lessons={links} current={current} setup={lesson.setup} setupOnRestore={lesson.setupOnRestore} reading={reading}>
      <LessonProvider slug={slug} messages={text.messages}>
        {text.fallback && (
          <p className="callout note" role="note" data-testid="untranslated">
            {t('lesson.untranslated')}
          </p>
        )}
        {/* Search indexes a lesson in the languages it is written in (not a fallback's English twice). */}
        <div lang={text.fallback ? HTML_LANG.en : undefined} data-pagefind-body={text.fallback ? undefined : ''}>
          <header className="lesson-header">
            <h1 data-pagefind-meta="title">{text.title}</h1>
            <p className="lead">{text.summary}</p>
            <p className="muted small">
              {reading ? t('lesson.factsReading', { minutes: lesson.minutes, questions: lesson.quizzes.length }) : t('lesson.facts', { minutes: lesson.minutes, steps: lesson.steps.length })}
            </p>
          </header>
          <Content components={mdxComponents} />
        </div>
      </LessonProvider>
    </LessonWorkspace>
  );
}
