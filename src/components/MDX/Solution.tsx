'use client';
// The answer, closed until the learner asks for it.
import type { ReactNode } from 'react';
import { useT } from '../../i18n/LocaleProvider.tsx';

export function Solution({ children }: { children?: ReactNode }) {
  const t = useT();
  return (
    <details className="disclosure solution">
      <summary>{t('mdx.solution')}</summary>
      <div className="disclosure-body">{children}</div>
    </details>
  );
}
