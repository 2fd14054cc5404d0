// How the page looks and reads: light, dark or the system's; the terminal's screen-reader mode.
// Persisted; layout.tsx applies the theme before first paint.
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_KEY = 'runtime-lab:theme';

interface ThemeState {
  theme: ThemeChoice;
  setTheme(t: ThemeChoice): void;
  /** xterm's screen-reader mode: the terminal's text in the accessibility tree. */
  screenReader: boolean;
  setScreenReader(on: boolean): void;
}

export const useThemeStore = create<ThemeState>()(
  persist((set) => ({ theme: 'system', setTheme: (theme) => set({ theme }), screenReader: false, setScreenReader: (screenReader) => set({ screenReader }) }), {
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
