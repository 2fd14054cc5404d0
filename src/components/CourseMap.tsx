'use client';
// The course home: the parts in order, each lesson with its length, steps and this learner's
// progress (kept in the browser), and a way back to the lesson they were in.
import Link from 'next/link';
import { useEffect } from 'react';
import { lessonProgress } from '../lab/progress-store.ts';
import { progressStore, useProgress } from '../lab/progress.ts';
import { useLocale, useT } from '../i18n/LocaleProvider.tsx';
import type { PartId } from '../content/parts.ts';

export interface CourseLesson {
  slug: string;
  title: string;
  summary: string;
  minutes: number;
  stepIds: string[];
}
export interface CoursePart {
  /** Its title and summary are the catalogue's part.<id>.title / .summary. */
  id: PartId;
  lessons: CourseLesson[];
}

export function CourseMap({ parts }: { parts: CoursePart[] }) {
  useEffect(() => {
    void progressStore.persist.rehydrate(); // after the first render, so server and client HTML match
  }, []);
  const passed = useProgress((s) => s.passed);
  const t = useT();
  const locale = useLocale();
  const current = useProgress((s) => s.currentLesson);
  const all = parts.flatMap((p) => p.lessons);
  const resume = all.find((l) => l.slug === current);
  const firstUnfinished = all.find((l) => lessonProgress(passed, l.slug, l.stepIds).done < l.stepIds.length);
  const next = resume && lessonProgress(passed, resume.slug, resume.stepIds).done < resume.stepIds.length ? resume : firstUnfinished;

  return (
    <>
      {next && (
        <p className="continue">
          <Link className="btn btn-primary" href={`/${locale}/lessons/${next.slug}/`} data-testid="continue">
            {t(Object.keys(passed).length ? 'home.continue' : 'home.start', { title: next.title })}
          </Link>
        </p>
      )}
      {parts.map((part, i) => (
        <section key={part.id} className="course-part" aria-labelledby={`part-${part.id}`}>
          <h2 id={`part-${part.id}`}>
            <span className="muted">{t('home.part', { n: i + 1 })}</span> {t(`part.${part.id}.title`)}
          </h2>
          <p className="muted">{t(`part.${part.id}.summary`)}</p>
          {part.lessons.length ? (
            <ol className="lesson-list">
              {part.lessons.map((l) => {
                const { done, total } = lessonProgress(passed, l.slug, l.stepIds);
                return (
                  <li key={l.slug} data-lesson={l.slug}>
                    <Link href={`/${locale}/lessons/${l.slug}/`}>
                      <strong>{l.title}</strong>
                    </Link>
                    <p className="muted">{l.summary}</p>
                    <p className="muted small">
                      {t('home.lessonFacts', { minutes: l.minutes, steps: total })} ·{' '}
                      <span data-testid={`progress-${l.slug}`}>{done === total && total ? t('home.lessonDone') : t('home.lessonProgress', { done, total })}</span>
                    </p>
                    <progress max={total} value={done} aria-label={t('home.lessonProgressLabel', { title: l.title, done, total })} />
                  </li>
                );
              })}
            </ol>
          ) : (
            <p className="muted small">{t('home.comingSoon')}</p>
          )}
        </section>
      ))}
    </>
  );
}
