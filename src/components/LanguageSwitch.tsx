'use client';
// The same page in the other language, at the same place. The choice is remembered for "/".
import { useEffect } from 'react';
import { usePathname, useRouter } from 'next/navigation';
import { LOCALES, LOCALE_KEY, LOCALE_NAME, localePath, type Locale } from '../i18n/locales.ts';
import { useLocale, useT } from '../i18n/LocaleProvider.tsx';
import { keepReadingPlace, restoreReadingPlace } from './reading-place.ts';

export function LanguageSwitch() {
  const locale = useLocale();
  const t = useT();
  const path = usePathname() ?? `/${locale}/`;
  const router = useRouter();
  useEffect(() => {
    // After the page's content has laid out.
    requestAnimationFrame(() => restoreReadingPlace(path));
  }, [path]);

  const go = (to: Locale) => (e: React.MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return; // a new tab: just follow the link
    e.preventDefault();
    try {
      localStorage.setItem(LOCALE_KEY, to);
    } catch {
      /* not remembered; still switch */
    }
    const next = localePath(path, to);
    keepReadingPlace(next);
    // A soft navigation: the lab machine in this tab keeps running.
    router.push(next, { scroll: false });
  };

  return (
    <nav className="language-switch" aria-label={t('topbar.language')}>
      {LOCALES.filter((l) => l !== locale).map((l) => (
        <a key={l} href={localePath(path, l)} lang={l} hrefLang={l} onClick={go(l)} title={t('topbar.languageSwitch', { language: LOCALE_NAME[l] })} data-testid={`switch-${l}`}>
          {LOCALE_NAME[l]}
        </a>
      ))}
    </nav>
  );
}
