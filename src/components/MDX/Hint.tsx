'use client';
// A hint, closed until the learner asks for it (<details> is keyboard-accessible by itself).
import type { ReactNode } from 'react';
import { useT } from '../../i18n/LocaleProvider.tsx';

export function Hint({ children }: { children?: ReactNode }) {
  const t = useT();
  return (
    <details className="disclosure hint">
      <summary>{t('mdx.hint')}</summary>
      <div className="disclosure-body">{children}</div>
    </details>
  );
}
