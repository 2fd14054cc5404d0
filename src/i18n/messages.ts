// t(): a catalogue entry in a language, with its {placeholders} filled.
import { en, type MessageKey } from './en.ts';
import { zh } from './zh.ts';
import type { Locale } from './locales.ts';

export const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { en, zh };
export type { MessageKey };

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function fill(template: string, params?: Params): string {
  return params ? template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m)) : template;
}

export function translator(locale: Locale): Translate {
  const c = CATALOGUES[locale];
  return (key, params) => fill(c[key] ?? en[key] ?? key, params);
}

/** A key that may not exist (built from a code, e.g. "error.<code>"): undefined when it does not. */
export function lookup(locale: Locale, key: string, params?: Params): string | undefined {
  const c = CATALOGUES[locale] as Record<string, string>;
  return key in c ? fill(c[key], params) : undefined;
}

/** "12.3 MB" / "1 minute" style figures are language-neutral enough; durations are not. */
export function duration(locale: Locale, ms: number): string {
  if (ms >= 60_000) {
    const n = ms / 60_000;
    return locale === 'zh' ? `${n} 分钟` : `${n} minute${n === 1 ? '' : 's'}`;
  }
  return locale === 'zh' ? `${ms / 1000} 秒` : `${ms / 1000} s`;
}
