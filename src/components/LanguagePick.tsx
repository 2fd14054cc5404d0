'use client';
// Sends a language-neutral address to the same page in the learner's language: the one they
// chose before, else the first of the browser's languages the site has. Without JavaScript, the
// links remain.
import { useEffect } from 'react';
import { LOCALES, LOCALE_KEY, LOCALE_NAME, localePath, pickLocale } from '../i18n/locales.ts';

export function LanguagePick({ path }: { path: string }) {
  useEffect(() => {
    let remembered: string | null = null;
    try {
      remembered = localStorage.getItem(LOCALE_KEY);
    } catch {
      /* storage blocked: go by the browser */
    }
    const locale = pickLocale(navigator.languages ?? [navigator.language], remembered);
    location.replace(localePath(path, locale) + location.hash);
  }, [path]);
  return (
    <main className="home-main">
      <p className="brand">Runtime Lab</p>
      <ul className="language-pick">
        {LOCALES.map((l) => (
          <li key={l} lang={l}>
            <a href={localePath(path, l)}>{LOCALE_NAME[l]}</a>
          </li>
        ))}
      </ul>
    </main>
  );
}
