'use client';
// Lesson list, progress, the lab's status and Reset lab.
import Link from 'next/link';
import { lab } from '../lab/lab-client.ts';
import { STATUS_LABEL, useLabStore } from '../lab/lab-store.ts';
import { lessonProgress } from '../lab/progress-store.ts';
import { useProgress } from '../lab/progress.ts';
import { ThemeToggle } from './ThemeToggle.tsx';

export interface LessonLink {
  slug: string;
  title: string;
  stepIds: string[];
}

export function TopBar({ lessons, current }: { lessons: LessonLink[]; current: LessonLink }) {
  const status = useLabStore((s) => s.status);
  const passed = useProgress((s) => s.passed);
  const { done, total } = lessonProgress(passed, current.slug, current.stepIds);
  const busy = status === 'resetting' || status === 'idle' || status === 'downloading' || status === 'restoring';
  return (
    <header className="topbar">
      <Link href="/" className="brand">Runtime Lab</Link>
      <details className="lesson-menu">
        <summary title="All lessons">
          <span className="hide-narrow">Lesson: </span>
          {current.title}
        </summary>
        <nav aria-label="Lessons">
          <ol>
            {lessons.map((l) => {
              const p = lessonProgress(passed, l.slug, l.stepIds);
              return (
                <li key={l.slug}>
                  <Link href={`/lessons/${l.slug}/`} aria-current={l.slug === current.slug ? 'page' : undefined}>
                    {l.title}
                  </Link>{' '}
                  <span className="muted small">{p.done}/{p.total}</span>
                </li>
              );
            })}
          </ol>
        </nav>
      </details>
      <div className="progress-summary" aria-label={`Progress: ${done} of ${total} steps passed`}>
        <progress max={total || 1} value={done} aria-hidden="true" />
        <span data-testid="progress-count">{done}/{total}</span>
      </div>
      <span className="spacer" />
      <span className={`lab-status lab-status-${status}`} role="status" aria-live="polite" data-testid="lab-status">
        <span className="dot" aria-hidden="true" /> Lab: {STATUS_LABEL[status]}
      </span>
      <button type="button" className="btn" onClick={() => void lab.reset()} disabled={busy} title="Back to the saved machine, then rerun this lesson's setup">
        Reset lab
      </button>
      <ThemeToggle />
    </header>
  );
}
