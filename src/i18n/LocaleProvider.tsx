'use client';
// The page's language for client components: useT() gives t() in it.
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { SOURCE_LOCALE, type Locale } from './locales.ts';
import { translator, type Translate } from './messages.ts';

const LocaleContext = createContext<Locale>(SOURCE_LOCALE);

export function LocaleProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <LocaleContext.Provider value={locale}>{children}</LocaleContext.Provider>;
}

export const useLocale = () => useContext(LocaleContext);

export function useT(): Translate {
  const locale = useLocale();
  return useMemo(() => translator(locale), [locale]);
}
