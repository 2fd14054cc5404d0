'use client';
// A step of the lesson with its check: the check runs through the guest agent (never in the
// learner's terminal), after Run or on request, and shows pending / checking / passed / failed.
import { useMemo, type ReactNode } from 'react';
import { checkKey, useCheckStore } from '../../lab/check-store.ts';
import { runCheck, watchStep } from '../../lab/checks.ts';
import { useLabStore } from '../../lab/lab-store.ts';
import { useProgress } from '../../lab/progress.ts';
import { useLessonSlug } from './LessonContext.tsx';
import { StepContext } from './StepContext.tsx';

type Shown = 'pending' | 'running' | 'checking' | 'passed' | 'failed';
const LABEL: Record<Shown, string> = { pending: 'Not done yet', running: 'Running…', checking: 'Checking…', passed: 'Passed', failed: 'Failed' };
const ICON: Record<Shown, string> = { pending: '○', running: '◌', checking: '◌', passed: '✓', failed: '✗' };

export function Step({ id, title, check, children }: { id: string; title: string; check: string; children?: ReactNode }) {
  const lesson = useLessonSlug();
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
          {LABEL[shown]}
        </span>
      </header>
      <StepContext.Provider value={ctx}>{children}</StepContext.Provider>
      <footer className="step-footer">
        <button type="button" className="btn" onClick={() => void runCheck(lesson, step)} disabled={!ready || shown === 'checking'}>
          Check
        </button>
        {current?.state === 'failed' && !passed && (
          <pre className="check-output" aria-label="Check output">
            {current.output || 'The check did not pass.'}
          </pre>
        )}
      </footer>
    </section>
  );
}
