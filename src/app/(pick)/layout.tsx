// The root layout of the language-neutral entry points (/ and the old /lessons/<id>/ links): they
// only send the learner to the page in their language.
import type { ReactNode } from 'react';
import { THEME_SCRIPT } from '../theme-script.ts';
import '../globals.css';

export const metadata = { title: 'Runtime Lab' };

export default function PickLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>{children}</body>
    </html>
  );
}
