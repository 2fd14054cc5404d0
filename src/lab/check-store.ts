// Checks in flight and checks that failed, per step. Passed steps live in the progress store;
// this is the transient rest, so it is not persisted.
import { create } from 'zustand';
import type { CheckOutcome } from './check-messages.ts';

/** running: Run typed the step's commands and the page waits for them to end before checking. */
export type CheckState = { state: 'running' } | { state: 'checking' } | { state: 'failed'; outcome: CheckOutcome };
// The outcome is kept as data (codes and arguments), so it is shown in the language of the page showing it.

interface ChecksState {
  checks: Record<string, CheckState>;
  setCheck(key: string, check: CheckState | null): void;
}

export const checkKey = (lesson: string, step: string) => `${lesson}/${step}`;

export const useCheckStore = create<ChecksState>()((set) => ({
  checks: {},
  setCheck: (key, check) =>
    set((s) => {
      const checks = { ...s.checks };
      if (check) checks[key] = check;
      else delete checks[key];
      return { checks };
    }),
}));
