'use client';
// A question no terminal can answer: single choice (one right answer) or "pick all" (several),
// with native radio buttons or checkboxes (keyboard and screen readers work as they do anywhere).
// Checking the answer explains every choice picked; a right answer counts in the lesson's
// progress like a passed step. The right choices come from lesson.yaml (the `answer` prop).
import { Children, isValidElement, useId, useMemo, useState, type ReactElement, type ReactNode } from 'react';
import { useProgress, progressStore } from '../../lab/progress.ts';
import { useT } from '../../i18n/LocaleProvider.tsx';
import { useLessonSlug } from './LessonContext.tsx';

interface ChoiceProps {
  id: string;
  why: string;
  children?: ReactNode;
}

/** One answer of a <Quiz>; the Quiz renders it. */
export function Choice(_: ChoiceProps): null {
  return null;
}

export function Quiz({ id, answer, children }: { id: string; answer: string; children?: ReactNode }) {
  const lesson = useLessonSlug();
  const t = useT();
  const name = useId();
  const right = useMemo(() => new Set(answer.split(' ').filter(Boolean)), [answer]);
  const multiple = right.size > 1;
  const passed = useProgress((s) => (s.passed[lesson] ?? []).includes(id));
  const { choices, question } = splitQuiz(children);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [checked, setChecked] = useState(false);

  const pick = (choice: string, on: boolean) => {
    setChecked(false);
    setPicked((p) => {
      const next = new Set(multiple ? p : []);
      if (on) next.add(choice);
      else next.delete(choice);
      return next;
    });
  };
  const isRight = picked.size === right.size && [...picked].every((c) => right.has(c));
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (isRight) progressStore.getState().markPassed(lesson, id);
  };
  const verdict = !checked ? null : isRight ? t('quiz.right') : [...picked].every((c) => right.has(c)) ? t('quiz.missed') : t('quiz.wrong');
  const status = checked ? (isRight ? 'passed' : 'failed') : passed ? 'passed' : 'pending';

  return (
    <form className={`quiz step step-${status}`} data-quiz={id} data-status={status} onSubmit={submit}>
      {/* A group named by the question (a <legend> cannot hold the question's paragraphs). */}
      <div role="group" aria-labelledby={`${name}-q`}>
        <div className="quiz-question" id={`${name}-q`}>
          <span className="visually-hidden">{t('quiz.label')}: </span>
          {question}
        </div>
        <p className="muted small">{multiple ? t('quiz.pickAll') : t('quiz.pickOne')}</p>
        <ul className="quiz-choices">
          {choices.map((c) => {
            const cid = c.props.id;
            const on = picked.has(cid);
            const shown = checked && on;
            return (
              <li key={cid} data-choice={cid} className={shown ? (right.has(cid) ? 'quiz-right' : 'quiz-wrong') : undefined}>
                <label>
                  <input type={multiple ? 'checkbox' : 'radio'} name={name} value={cid} checked={on} onChange={(e) => pick(cid, e.target.checked)} />{' '}
                  {c.props.children}
                </label>
                {shown && (
                  <p className="quiz-why">
                    <strong>{right.has(cid) ? t('quiz.isRight') : t('quiz.isWrong')}:</strong> {c.props.why}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      </div>
      <footer className="step-footer">
        <button type="submit" className="btn" disabled={!picked.size}>
          {t('quiz.check')}
        </button>
        <span role="status" aria-live="polite" className="quiz-verdict">
          {verdict ?? (passed ? t('step.passed') : '')}
        </span>
      </footer>
    </form>
  );
}

/**
 * The <Choice>s of a quiz, wherever MDX put them (choices on consecutive lines arrive wrapped in a
 * paragraph), and the rest: the question.
 */
function splitQuiz(children: ReactNode): { choices: ReactElement<ChoiceProps>[]; question: ReactNode[] } {
  const choices: ReactElement<ChoiceProps>[] = [];
  const find = (node: ReactNode): boolean => {
    let found = false;
    for (const c of Children.toArray(node)) {
      if (!isValidElement(c)) continue;
      // By its props, not its type: an element made on the server reaches a client component with
      // a lazy reference as its type, never the Choice function itself.
      if (typeof (c.props as Partial<ChoiceProps>).why === 'string' && typeof (c.props as Partial<ChoiceProps>).id === 'string') {
        choices.push(c as ReactElement<ChoiceProps>);
        found = true;
      } else if (find((c.props as { children?: ReactNode }).children)) found = true;
    }
    return found;
  };
  const question = Children.toArray(children).filter((c) => !find(c));
  return { choices, question };
}
