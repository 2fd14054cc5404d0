'use client';
// The top bar's workshop control. Shown only when the server the page came from runs a workshop
// (`serve.mjs --workshop`): an invitation to join with a display name (open until joined or
// dismissed; "Not now" is remembered), then the learner's name and whether the trainer has
// everything. Reporting itself is src/lab/workshop-page.ts.
import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { useT } from '../i18n/LocaleProvider.tsx';
import { progressStore } from '../lab/progress.ts';
import { startWorkshopReporting } from '../lab/workshop-page.ts';
import { cleanName, MAX_NAME_CHARS } from '../lab/workshop-protocol.ts';
import type { JoinProblem, WorkshopReporter } from '../lab/workshop-reporter.ts';

// The lesson menu's popover look (globals.css styles `.lesson-menu nav`). The top bar wraps, so the
// control may sit at either edge: the panel opens towards the side with room.
const PANEL: CSSProperties = {
  position: 'absolute', zIndex: 5, top: '2.3rem', width: 'min(20rem, calc(100vw - 2rem))', background: 'var(--bg)', border: '1px solid var(--border)',
  borderRadius: 8, padding: '0.75rem 1rem', boxShadow: '0 6px 20px rgb(0 0 0 / 0.2)',
};
const PANEL_WIDTH_PX = 320;

export function WorkshopJoin() {
  const [reporter, setReporter] = useState<WorkshopReporter | null>(null);
  // After the first render: the server's HTML has no workshop control, and localStorage is the browser's.
  useEffect(() => setReporter(startWorkshopReporting()), []);
  return reporter ? <WorkshopControl reporter={reporter} /> : null;
}

function WorkshopControl({ reporter }: { reporter: WorkshopReporter }) {
  const t = useT();
  const view = useStore(reporter.store);
  const [open, setOpen] = useState(!view.dismissed && !view.membership);
  const [name, setName] = useState('');
  const [localProblem, setLocalProblem] = useState<JoinProblem | null>(null);
  const [openLeft, setOpenLeft] = useState(false);
  const control = useRef<HTMLDetailsElement>(null);

  useLayoutEffect(() => {
    const box = control.current?.getBoundingClientRect();
    if (open && box) setOpenLeft(box.left + PANEL_WIDTH_PX > window.innerWidth);
  }, [open, view.mode]);

  // A membership the server no longer knows is dropped by the reporter: invite again.
  useEffect(() => {
    if (!view.membership && !view.dismissed) setOpen(true);
  }, [view.membership, view.dismissed]);

  if (view.mode !== 'on') return null;

  const problem = localProblem ?? view.joinError?.problem ?? null;
  const problemText = problem && t(`workshop.error.${problem}`, { max: MAX_NAME_CHARS, message: view.joinError?.message ?? '' });

  const join = async (e: FormEvent) => {
    e.preventDefault();
    const cleaned = cleanName(name);
    if ('problem' in cleaned) {
      setLocalProblem(cleaned.problem);
      return;
    }
    setLocalProblem(null);
    const s = progressStore.getState();
    if (await reporter.join(cleaned.name, { currentLesson: s.currentLesson, passed: s.passed })) setOpen(false);
  };

  const notNow = () => {
    reporter.dismiss();
    setOpen(false);
  };

  return (
    <details ref={control} className="lesson-menu workshop-menu" data-testid="workshop" open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        {view.membership ? t('workshop.joined', { name: view.membership.name }) : t('workshop.menu')}
        {view.membership && view.pending > 0 && <span className="muted small" data-testid="workshop-pending"> ({view.pending})</span>}
      </summary>
      <div style={{ ...PANEL, ...(openLeft ? { right: 0 } : { left: 0 }) }}>
        {view.membership ? (
          <>
            <p className="small" role="status">{view.pending > 0 ? t('workshop.pending', { count: view.pending }) : t('workshop.synced')}</p>
            <button type="button" className="btn" onClick={() => reporter.leave()}>
              {t('workshop.leave')}
            </button>
          </>
        ) : (
          <form onSubmit={(e) => void join(e)}>
            <p className="small" style={{ marginTop: 0 }}>{t('workshop.explain')}</p>
            <label style={{ display: 'block', marginBottom: '0.5rem' }}>
              {t('workshop.name')}
              <input
                type="text" name="name" autoComplete="nickname" value={name} required aria-invalid={problem?.startsWith('name') || undefined}
                aria-describedby={problemText ? 'workshop-problem' : undefined} onChange={(e) => setName(e.target.value)}
                style={{ display: 'block', width: '100%', boxSizing: 'border-box', font: 'inherit', padding: '0.3rem', marginTop: '0.25rem' }}
              />
            </label>
            {problemText && (
              <p id="workshop-problem" role="alert" className="small" style={{ color: 'var(--bad)' }}>
                {problemText}
              </p>
            )}
            <div style={{ display: 'flex', gap: '0.5rem' }}>
              <button type="submit" className="btn btn-primary" disabled={view.joining}>
                {view.joining ? t('workshop.joining') : t('workshop.submit')}
              </button>
              <button type="button" className="btn" onClick={notNow}>
                {t('workshop.notNow')}
              </button>
            </div>
          </form>
        )}
      </div>
    </details>
  );
}
