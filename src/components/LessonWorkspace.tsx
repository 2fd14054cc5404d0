'use client';
// The lesson beside the lab terminal, with a draggable (and keyboard-movable) split; tabs on
// narrow screens. Also where the page tells the lab which lesson it shows. A reading lesson (no
// commands, no steps) gets the whole width and no lab: nothing would be typed there, and the
// machine need not start for it (it keeps running if it was, and reappears on the next lesson).
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { lab } from '../lab/lab-client.ts';
import { useThemeStore } from '../lab/theme-store.ts';
import { progressStore } from '../lab/progress.ts';
import { LabTerminal } from './LabTerminal.tsx';
import { TopBar, type LessonLink } from './TopBar.tsx';
import { useT } from '../i18n/LocaleProvider.tsx';

const SPLIT_KEY = 'runtime-lab:split';
const NARROW = '(max-width: 860px)';

export function LessonWorkspace({ lessons, current, setup, setupOnRestore = true, reading = false, children }: { lessons: LessonLink[]; current: LessonLink; setup?: string; setupOnRestore?: boolean; reading?: boolean; children: ReactNode }) {
  const [split, setSplit] = useState(50); // percent of the width for the lesson
  const [narrow, setNarrow] = useState(false);
  const [tab, setTab] = useState<'lesson' | 'lab'>('lesson');
  const main = useRef<HTMLDivElement>(null);
  const t = useT();
  // The lab's worker loads its scripts while the rest of the page hydrates; the terminal's effect starts the machine in it.
  if (!reading && typeof window !== 'undefined') lab.prepareWorker();

  useEffect(() => {
    void progressStore.persist.rehydrate();
    progressStore.getState().setCurrentLesson(current.slug);
    if (!reading) void lab.setLessonSetup(setup, setupOnRestore);
  }, [current.slug, setup, setupOnRestore, reading]);

  useEffect(() => {
    const saved = Number(localStorage.getItem(SPLIT_KEY));
    if (saved >= 20 && saved <= 80) setSplit(saved);
    const mq = matchMedia(NARROW);
    const apply = () => setNarrow(mq.matches);
    apply();
    mq.addEventListener('change', apply);
    return () => mq.removeEventListener('change', apply);
  }, []);

  const commit = (v: number) => {
    const clamped = Math.max(20, Math.min(80, v));
    setSplit(clamped);
    localStorage.setItem(SPLIT_KEY, String(Math.round(clamped)));
  };

  const startDrag = (e: React.PointerEvent) => {
    const box = main.current?.getBoundingClientRect();
    if (!box) return;
    (e.target as Element).setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) => commit(((ev.clientX - box.left) / box.width) * 100);
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      document.body.classList.remove('dragging');
    };
    document.body.classList.add('dragging');
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };

  const onKey = (e: React.KeyboardEvent) => {
    const step = e.shiftKey ? 10 : 2;
    if (e.key === 'ArrowLeft') commit(split - step);
    else if (e.key === 'ArrowRight') commit(split + step);
    else if (e.key === 'Home') commit(20);
    else if (e.key === 'End') commit(80);
    else return;
    e.preventDefault();
  };

  if (reading) {
    return (
      <div className="workspace">
        <TopBar lessons={lessons} current={current} />
        <div className="split split-reading">
          <main id="lesson" className="lesson-pane" tabIndex={-1}>
            <article className="lesson">{children}</article>
          </main>
        </div>
      </div>
    );
  }

  return (
    <div className="workspace">
      <a href="#lab" className="skip-link">{t('lesson.skipToLab')}</a>
      <TopBar lessons={lessons} current={current} />
      {narrow && (
        <div className="tabs" role="tablist" aria-label={t('lesson.tabs')}>
          {(['lesson', 'lab'] as const).map((name) => (
            <button key={name} type="button" role="tab" id={`tab-${name}`} aria-controls={name} aria-selected={tab === name} tabIndex={tab === name ? 0 : -1} className="tab" onClick={() => setTab(name)}
              onKeyDown={(e) => { if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') { const next = tab === 'lesson' ? 'lab' : 'lesson'; setTab(next); document.getElementById(`tab-${next}`)?.focus(); } }}>
              {t(name === 'lesson' ? 'lesson.tabLesson' : 'lesson.tabLab')}
            </button>
          ))}
        </div>
      )}
      <div ref={main} className={`split${narrow ? ' split-narrow' : ''}`} style={narrow ? undefined : { gridTemplateColumns: `${split}% 8px 1fr` }}>
        <main id="lesson" className="lesson-pane" hidden={narrow && tab !== 'lesson'} role={narrow ? 'tabpanel' : undefined} aria-labelledby={narrow ? 'tab-lesson' : undefined} tabIndex={-1}>
          <article className="lesson">{children}</article>
        </main>
        {!narrow && (
          <div className="splitter" role="separator" aria-orientation="vertical" aria-label={t('lesson.resize')} aria-valuemin={20} aria-valuemax={80} aria-valuenow={Math.round(split)} tabIndex={0} onPointerDown={startDrag} onKeyDown={onKey} />
        )}
        {/* The lab stays mounted when its tab is hidden: the machine and terminal keep running. */}
        <section id="lab" className="lab-panel" aria-label={t('lesson.labRegion')} hidden={narrow && tab !== 'lab'} role={narrow ? 'tabpanel' : undefined}>
          <h2 className="lab-panel-heading visually-hidden" tabIndex={-1}>{t('lesson.labHeading')}</h2>
          <LabTerminal />
          <p className="lab-help muted small">
            {t('lesson.labHelp')} <ScreenReaderSwitch />
          </p>
        </section>
      </div>
    </div>
  );
}

/** xterm's screen-reader mode, on or off (remembered). */
function ScreenReaderSwitch() {
  const on = useThemeStore((s) => s.screenReader);
  const set = useThemeStore((s) => s.setScreenReader);
  const t = useT();
  return (
    <label className="screen-reader-switch">
      <input type="checkbox" checked={on} onChange={(e) => set(e.target.checked)} /> {t('lesson.screenReader')}
    </label>
  );
}
