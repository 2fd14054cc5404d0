// Light, dark, or whatever the system prefers. Persisted; layout.tsx applies it before first paint.
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_KEY = 'runtime-lab:theme';

interface ThemeState {
  theme: ThemeChoice;
  setTheme(t: ThemeChoice): void;
}

export const useThemeStore = create<ThemeState>()(
  persist((set) => ({ theme: 'system', setTheme: (theme) => set({ theme }) }), {
    name: THEME_KEY,
    storage: createJSONStorage(() => localStorage),
    skipHydration: true,
  }),
);

/** The theme in effect now. */
export function resolveTheme(t: ThemeChoice): 'light' | 'dark' {
  if (t !== 'system') return t;
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}
