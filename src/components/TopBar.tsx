'use client';
// Lesson list, progress, search, the lab's status, Reset lab, the workshop (when the server runs one), offline use, language and theme.
import Link from 'next/link';
import { lab } from '../lab/lab-client.ts';
import { useLabStore } from '../lab/lab-store.ts';
import { lessonProgress } from '../lab/progress-store.ts';
import { useProgress } from '../lab/progress.ts';
import { ThemeToggle } from './ThemeToggle.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { SearchBox } from './SearchBox.tsx';
import { OfflineStatus } from './OfflineStatus.tsx';
import { WorkshopJoin } from './WorkshopJoin.tsx';
import { useLocale, useT } from '../i18n/LocaleProvider.tsx';

export interface LessonLink {
  slug: string;
  title: string;
  stepIds: string[];
}

export function TopBar({ lessons, current }: { lessons: LessonLink[]; current: LessonLink }) {
  const status = useLabStore((s) => s.status);
  const passed = useProgress((s) => s.passed);
  const t = useT();
  const locale = useLocale();
  const { done, total } = lessonProgress(passed, current.slug, current.stepIds);
  const busy = status === 'resetting' || status === 'idle' || status === 'downloading' || status === 'restoring';
  return (
    <header className="topbar">
      <Link href={`/${locale}/`} className="brand">{t('site.name')}</Link>
      <details className="lesson-menu">
        <summary title={t('topbar.allLessons')}>
          <span className="hide-narrow">{t('topbar.lesson')}</span>
          {current.title}
        </summary>
        <nav aria-label={t('topbar.lessonsNav')}>
          <ol>
            {lessons.map((l) => {
              const p = lessonProgress(passed, l.slug, l.stepIds);
              return (
                <li key={l.slug}>
                  <Link href={`/${locale}/lessons/${l.slug}/`} aria-current={l.slug === current.slug ? 'page' : undefined}>
                    {l.title}
                  </Link>{' '}
                  <span className="muted small">{p.done}/{p.total}</span>
                </li>
              );
            })}
          </ol>
        </nav>
      </details>
      <div className="progress-summary" aria-label={t('topbar.progress', { done, total })}>
        <progress max={total || 1} value={done} aria-hidden="true" />
        <span data-testid="progress-count">{done}/{total}</span>
      </div>
      <span className="spacer" />
      <SearchBox />
      <span className={`lab-status lab-status-${status}`} role="status" aria-live="polite" data-testid="lab-status">
        <span className="dot" aria-hidden="true" /> {t('topbar.lab', { status: t(`status.${status}`) })}
      </span>
      <button type="button" className="btn" onClick={() => void lab.reset()} disabled={busy} title={t('topbar.resetTitle')}>
        {t('topbar.reset')}
      </button>
      <WorkshopJoin />
      <OfflineStatus />
      <LanguageSwitch />
      <ThemeToggle />
    </header>
  );
}
