// The root layout of every page in a language (/en/..., /zh/...): <html lang> is the page's.
import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { notFound } from 'next/navigation';
import { HTML_LANG, LOCALES, isLocale } from '../../i18n/locales.ts';
import { translator } from '../../i18n/messages.ts';
import { LocaleProvider } from '../../i18n/LocaleProvider.tsx';
import { OfflineUpdateNotice } from '../../components/OfflineUpdateNotice.tsx';
import { THEME_SCRIPT } from '../theme-script.ts';
import '../globals.css';

export const dynamicParams = false;
export function generateStaticParams() {
  return LOCALES.map((lang) => ({ lang }));
}

type Props = { params: Promise<{ lang: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { lang } = await params;
  if (!isLocale(lang)) return {};
  const t = translator(lang);
  return { title: { default: t('site.name'), template: `%s · ${t('site.name')}` }, description: t('site.description') };
}

export const viewport: Viewport = {
  colorScheme: 'light dark',
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#fbfbfa' },
    { media: '(prefers-color-scheme: dark)', color: '#0f1419' },
  ],
};

export default async function LocaleLayout({ children, params }: { children: ReactNode; params: Promise<{ lang: string }> }) {
  const { lang } = await params;
  if (!isLocale(lang)) notFound();
  return (
    <html lang={HTML_LANG[lang]} suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>
        <LocaleProvider locale={lang}>
          {children}
          <OfflineUpdateNotice />
        </LocaleProvider>
      </body>
    </html>
  );
}
