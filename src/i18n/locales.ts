// The site's languages. English is the source language: every lesson has it, and a page in
// another language falls back to it (with a notice) until a translation exists.
export const LOCALES = ['en', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];
export const SOURCE_LOCALE: Locale = 'en';

/** What <html lang> says for each (Chinese pages are written in simplified Chinese for the mainland). */
export const HTML_LANG: Record<Locale, string> = { en: 'en', zh: 'zh-CN' };
/** The language's own name, for the switch. */
export const LOCALE_NAME: Record<Locale, string> = { en: 'English', zh: '中文' };

export function isLocale(x: unknown): x is Locale {
  return typeof x === 'string' && (LOCALES as readonly string[]).includes(x);
}

/** Where the learner's choice of language is kept (localStorage). */
export const LOCALE_KEY = 'runtime-lab:lang';

/** The first of the browser's preferred languages the site has (zh-TW, zh-Hans... count as zh). */
export function pickLocale(preferred: readonly string[], remembered?: string | null): Locale {
  if (isLocale(remembered)) return remembered;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return SOURCE_LOCALE;
}

/** The same page in another language: /en/lessons/x/ → /zh/lessons/x/. */
export function localePath(path: string, locale: Locale): string {
  const rest = path.replace(/^\/(en|zh)(?=\/|$)/, '');
  return `/${locale}${rest.startsWith('/') ? rest : `/${rest}`}`;
}
