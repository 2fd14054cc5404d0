'use client';
// The page's one progress store (localStorage), as a React hook.
import { useStore } from 'zustand';
import { createProgressStore, type ProgressState } from './progress-store.ts';

export const progressStore = createProgressStore(undefined, { skipHydration: true });
export function useProgress<T>(select: (s: ProgressState) => T): T {
  return useStore(progressStore, select);
}
