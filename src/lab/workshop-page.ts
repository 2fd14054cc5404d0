'use client';
// The page's one workshop reporter, wired to the page's stores: every change of the progress store
// (a step's check passed, a quiz answered right, a lesson opened) and every failed check is
// reported once the learner has joined. Started by the top bar's workshop control.
import { progressStore } from './progress.ts';
import { useCheckStore } from './check-store.ts';
import { WorkshopReporter } from './workshop-reporter.ts';

let reporter: WorkshopReporter | null = null;

export function workshopReporter(): WorkshopReporter {
  reporter ??= new WorkshopReporter({ fetch: (...args) => fetch(...args), storage: localStorage, warn: (m) => console.warn(m) });
  return reporter;
}

let started = false;

/** Idempotent: asks the server once per page, then follows the stores for the page's lifetime. */
export function startWorkshopReporting(): WorkshopReporter {
  const r = workshopReporter();
  if (started) return r;
  started = true;
  const snapshot = () => {
    const s = progressStore.getState();
    return { currentLesson: s.currentLesson, passed: s.passed };
  };
  progressStore.subscribe(() => r.observe(snapshot()));
  useCheckStore.subscribe((now, before) => {
    for (const [key, check] of Object.entries(now.checks)) {
      if (check.state !== 'failed' || before.checks[key] === check) continue;
      const slash = key.indexOf('/');
      r.reportFailure(key.slice(0, slash), key.slice(slash + 1));
    }
  });
  window.addEventListener('online', () => r.retryNow());
  void r.detect().then((mode) => {
    if (mode === 'on') r.observe(snapshot());
  });
  return r;
}
