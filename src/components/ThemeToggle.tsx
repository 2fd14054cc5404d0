'use client';
// System / light / dark. The choice is applied to <html data-theme> and remembered.
import { useEffect } from 'react';
import { useThemeStore, type ThemeChoice } from '../lab/theme-store.ts';
import { useT } from '../i18n/LocaleProvider.tsx';

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };

export function ThemeToggle() {
  const { theme, setTheme } = useThemeStore();
  const t = useT();
  useEffect(() => void useThemeStore.persist.rehydrate(), []);
  useEffect(() => {
    if (theme === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', theme);
  }, [theme]);
  return (
    <button type="button" className="btn" onClick={() => setTheme(NEXT[theme])} aria-label={t('theme.label', { theme: t(`theme.${theme}`), next: t(`theme.${NEXT[theme]}`) })} title={t('theme.title')}>
      {theme === 'system' ? '◐' : theme === 'light' ? '☀' : '☾'} <span className="hide-narrow">{t(`theme.${theme}`)}</span>
    </button>
  );
}
