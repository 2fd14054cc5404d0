'use client';
// Search over the lessons of the page's language, with Pagefind's static index (built over the
// exported site by `npm run site:build`, so it works offline). "/" focuses the box; results jump
// to the section that matched.
import Link from 'next/link';
import { useEffect, useId, useRef, useState } from 'react';
import { useLocale, useT } from '../i18n/LocaleProvider.tsx';

interface Hit {
  url: string;
  title: string;
  excerpt: string;
  sections: Array<{ url: string; title: string; excerpt: string }>;
}

interface Pagefind {
  options(o: Record<string, unknown>): Promise<void>;
  init(): Promise<void>;
  debouncedSearch(q: string, o?: unknown, ms?: number): Promise<{ results: Array<{ data(): Promise<PagefindData> }> } | null>;
}
interface PagefindData {
  url: string;
  excerpt: string;
  meta: { title?: string };
  sub_results?: Array<{ url: string; title: string; excerpt: string }>;
}

const engines = new Map<string, Promise<Pagefind>>();
/** One engine per language: Pagefind picks its index by <html lang> when it starts. */
function engine(locale: string): Promise<Pagefind> {
  let e = engines.get(locale);
  if (!e) {
    const url = `/pagefind/pagefind.js?lang=${locale}`;
    e = (import(/* webpackIgnore: true */ url) as Promise<Pagefind>).then(async (pf) => {
      await pf.options({ excerptLength: 24 });
      await pf.init();
      return pf;
    });
    e.catch(() => engines.delete(locale));
    engines.set(locale, e);
  }
  return e;
}

export function SearchBox() {
  const t = useT();
  const locale = useLocale();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [state, setState] = useState<'idle' | 'searching' | 'unavailable'>('idle');
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable);
      if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setHits(null);
      return;
    }
    let stale = false;
    setState('searching');
    engine(locale)
      .then((pf) => pf.debouncedSearch(q, {}, 150))
      .then(async (found) => {
        if (stale || !found) return;
        const data = await Promise.all(found.results.slice(0, 8).map((r) => r.data()));
        if (stale) return;
        setHits(
          data.map((d) => ({
            url: d.url,
            title: d.meta.title ?? d.url,
            excerpt: d.excerpt,
            sections: (d.sub_results ?? []).filter((s) => s.url !== d.url).slice(0, 3),
          })),
        );
        setState('idle');
      })
      .catch(() => !stale && setState('unavailable'));
    return () => {
      stale = true;
    };
  }, [query, locale]);

  const close = () => {
    setOpen(false);
    input.current?.blur();
  };

  return (
    <div className="search" role="search" onKeyDown={(e) => e.key === 'Escape' && close()} onBlur={(e) => !e.currentTarget.contains(e.relatedTarget as Node) && setOpen(false)}>
      <label htmlFor={id} className="visually-hidden">
        {t('search.label')}
      </label>
      <input
        ref={input}
        id={id}
        type="search"
        className="search-input"
        placeholder={t('search.placeholder')}
        value={query}
        autoComplete="off"
        aria-controls={open && query.trim() ? `${id}-results` : undefined}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        data-testid="search"
      />
      {open && query.trim() && (
        <div id={`${id}-results`} className="search-results" data-testid="search-results">
          {state === 'unavailable' ? (
            <p className="muted small">{t('search.unavailable')}</p>
          ) : hits === null ? (
            <p className="muted small">{t('search.loading')}</p>
          ) : hits.length === 0 ? (
            <p className="muted small">{t('search.noResults', { query: query.trim() })}</p>
          ) : (
            <>
              <p className="visually-hidden" role="status">
                {t('search.results', { count: hits.length })}
              </p>
              <ol>
                {hits.map((h) => (
                  <li key={h.url}>
                    <Link href={h.url} onClick={close} className="search-hit">
                      <strong>{h.title}</strong>
                    </Link>
                    {/* Pagefind's excerpts are escaped text with <mark> around the matched words. */}
                    <p className="small" dangerouslySetInnerHTML={{ __html: h.excerpt }} />
                    {h.sections.length > 0 && (
                      <ul>
                        {h.sections.map((s) => (
                          <li key={s.url}>
                            <Link href={s.url} onClick={close} className="search-section">
                              {s.title}
                            </Link>
                          </li>
                        ))}
                      </ul>
                    )}
                  </li>
                ))}
              </ol>
            </>
          )}
        </div>
      )}
    </div>
  );
}
