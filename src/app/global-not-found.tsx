// The 404 page for any address the site does not have (a plain server serves it as 404.html). It
// has no language of its own, so it speaks both.
import type { Metadata } from 'next';
import { translator } from '../i18n/messages.ts';
import { THEME_SCRIPT } from './theme-script.ts';
import './globals.css';

export const metadata: Metadata = { title: 'Runtime Lab: 404' };

export default function GlobalNotFound() {
  const en = translator('en');
  const zh = translator('zh');
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>
        <main className="home-main">
          <h1>{en('notFound.title')}</h1>
          <p>
            <a href="/en/">{en('notFound.back')}</a>
          </p>
          <p lang="zh-CN" className="lead">
            {zh('notFound.title')} <a href="/zh/">{zh('notFound.back')}</a>
          </p>
        </main>
      </body>
    </html>
  );
}
