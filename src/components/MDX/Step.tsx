'use client';
// A step of the lesson with its check: the check runs through the guest agent (never in the
// learner's terminal), after Run or on request, and shows pending / checking / passed / failed.
import { useMemo, type ReactNode } from 'react';
import { checkKey, useCheckStore } from '../../lab/check-store.ts';
import { runCheck, watchStep } from '../../lab/checks.ts';
import { useLabStore } from '../../lab/lab-store.ts';
import { useProgress } from '../../lab/progress.ts';
import { describeFailure, type CheckOutcome } from '../../lab/check-messages.ts';
import { useLocale, useT } from '../../i18n/LocaleProvider.tsx';
import { lookup, type Translate } from '../../i18n/messages.ts';
import type { Locale } from '../../i18n/locales.ts';
import { useLessonMessages, useLessonSlug } from './LessonContext.tsx';
import { StepContext } from './StepContext.tsx';

type Shown = 'pending' | 'running' | 'checking' | 'passed' | 'failed';
const ICON: Record<Shown, string> = { pending: '○', running: '◌', checking: '◌', passed: '✓', failed: '✗' };

export function Step({ id, title, check, children }: { id: string; title: string; check: string; children?: ReactNode }) {
  const lesson = useLessonSlug();
  const messages = useLessonMessages();
  const t = useT();
  const locale = useLocale();
  const passed = useProgress((s) => (s.passed[lesson] ?? []).includes(id));
  const current = useCheckStore((s) => s.checks[checkKey(lesson, id)]);
  const ready = useLabStore((s) => s.status === 'ready');
  const shown: Shown = current?.state === 'checking' ? 'checking' : passed ? 'passed' : current?.state === 'running' ? 'running' : current?.state === 'failed' ? 'failed' : 'pending';
  const step = useMemo(() => ({ id, check }), [id, check]);
  const ctx = useMemo(() => ({ onRun: () => void watchStep(lesson, step) }), [lesson, step]);

  return (
    <section className={`step step-${shown}`} aria-labelledby={`step-${id}-title`} data-step={id} data-status={shown}>
      <header className="step-header">
        <span className="step-icon" aria-hidden="true">{ICON[shown]}</span>
        <h3 id={`step-${id}-title`}>{title}</h3>
        <span className="step-status" role="status" aria-live="polite">
          {t(`step.${shown}`)}
        </span>
      </header>
      <StepContext.Provider value={ctx}>{children}</StepContext.Provider>
      <details className="check-script">
        <summary>{t('step.howChecked')}</summary>
        <pre tabIndex={0}>
          <code>{check}</code>
        </pre>
      </details>
      <footer className="step-footer">
        <button type="button" className="btn" onClick={() => void runCheck(lesson, step)} disabled={!ready || shown === 'checking'}>
          {t('step.check')}
        </button>
        {current?.state === 'failed' && !passed && (
          <pre className="check-output" aria-label={t('step.checkOutput')}>
            {outcomeText(current.outcome, messages, t, locale)}
          </pre>
        )}
      </footer>
    </section>
  );
}

/** A failed check in the page's language: the helpers' sentences, else what the check printed. */
function outcomeText(o: CheckOutcome, messages: Record<string, string>, t: Translate, locale: Locale): string {
  switch (o.kind) {
    case 'failures':
      return o.failures.map((f) => describeFailure(f, messages, (code) => lookup(locale, `check.${code}`))).join('\n');
    case 'exit':
      return [t('step.exitStatus', { code: o.exitCode }), o.output].filter(Boolean).join('\n');
    case 'timeout':
      return t('step.timeout', { seconds: o.seconds });
    case 'error':
      return (o.code && lookup(locale, `error.${o.code}`)) || o.message || t('step.didNotPass');
  }
}
