// What the learner has done: the current lesson and the steps whose checks passed. Persisted in
// localStorage, so a reload (which restarts the machine) keeps the record.
import { createStore } from 'zustand/vanilla';
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';

export interface ProgressState {
  currentLesson: string | null;
  /** lesson slug → ids of the steps whose check passed */
  passed: Record<string, string[]>;
  setCurrentLesson(slug: string): void;
  markPassed(lesson: string, step: string): void;
  isPassed(lesson: string, step: string): boolean;
  /** Forget one lesson's steps (start it over). */
  clearLesson(lesson: string): void;
}

export const PROGRESS_KEY = 'runtime-lab:progress';

/** In a browser, pass nothing (localStorage); tests pass a Map-backed storage. */
export function createProgressStore(storage?: StateStorage, opts: { skipHydration?: boolean } = {}) {
  return createStore<ProgressState>()(
    persist(
      (set, get) => ({
        currentLesson: null,
        passed: {},
        setCurrentLesson: (slug) => set({ currentLesson: slug }),
        markPassed: (lesson, step) => {
          const done = get().passed[lesson] ?? [];
          if (!done.includes(step)) set({ passed: { ...get().passed, [lesson]: [...done, step] } });
        },
        isPassed: (lesson, step) => (get().passed[lesson] ?? []).includes(step),
        clearLesson: (lesson) => {
          const { [lesson]: _gone, ...rest } = get().passed;
          set({ passed: rest });
        },
      }),
      {
        name: PROGRESS_KEY,
        version: 1,
        storage: createJSONStorage(() => storage ?? localStorage),
        partialize: (s) => ({ currentLesson: s.currentLesson, passed: s.passed }),
        // The page rehydrates after its first render, so server HTML and first client render match.
        skipHydration: opts.skipHydration,
      },
    ),
  );
}

/** The fraction of a lesson's steps passed, for the top bar. */
export function lessonProgress(passed: Record<string, string[]>, lesson: string, stepIds: string[]): { done: number; total: number } {
  const done = new Set(passed[lesson] ?? []);
  return { done: stepIds.filter((id) => done.has(id)).length, total: stepIds.length };
}
