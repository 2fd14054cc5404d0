'use client';
// System / light / dark. The choice is applied to <html data-theme> and remembered.
import { useEffect } from 'react';
import { useThemeStore, type ThemeChoice } from '../lab/theme-store.ts';

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };
const LABEL: Record<ThemeChoice, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };

export function ThemeToggle() {
  const { theme, setTheme } = useThemeStore();
  useEffect(() => void useThemeStore.persist.rehydrate(), []);
  useEffect(() => {
    if (theme === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', theme);
  }, [theme]);
  return (
    <button type="button" className="btn" onClick={() => setTheme(NEXT[theme])} aria-label={`${LABEL[theme]}. Switch to ${NEXT[theme]}.`} title="Switch theme">
      {theme === 'system' ? '◐' : theme === 'light' ? '☀' : '☾'} <span className="hide-narrow">{theme}</span>
    </button>
  );
}
