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
/** 2: lessons keyed by their frontmatter id (1 keyed them by a slug from the file name). */
export const PROGRESS_VERSION = 2;

/** Version 1's slugs that differ from the lesson's id (none yet: "meet-the-lab" kept its name). */
const SLUG_TO_ID: Record<string, string> = {};

type Persisted = Pick<ProgressState, 'currentLesson' | 'passed'>;

/**
 * Brings what an older page stored up to this version, keeping every passed step; anything that
 * does not look like progress is dropped rather than breaking the page.
 */
export function migrateProgress(stored: unknown, version: number): Persisted {
  const s = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  const rename = (lesson: string) => (version < 2 ? SLUG_TO_ID[lesson] ?? lesson : lesson);
  const passed: Record<string, string[]> = {};
  if (s.passed && typeof s.passed === 'object') {
    for (const [lesson, steps] of Object.entries(s.passed as Record<string, unknown>)) {
      if (!Array.isArray(steps)) continue;
      const id = rename(lesson);
      passed[id] = [...new Set([...(passed[id] ?? []), ...steps.filter((x): x is string => typeof x === 'string')])];
    }
  }
  return { currentLesson: typeof s.currentLesson === 'string' ? rename(s.currentLesson) : null, passed };
}

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
        version: PROGRESS_VERSION,
        migrate: migrateProgress,
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
