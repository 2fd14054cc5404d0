'use client';
// Something that will surprise the learner if they are not told first.
import type { ReactNode } from 'react';
import { useT } from '../../i18n/LocaleProvider.tsx';

export function Warning({ children }: { children?: ReactNode }) {
  const t = useT();
  return (
    <aside className="callout warning" role="note">
      <strong className="callout-label">{t('mdx.warning')}</strong>
      <div>{children}</div>
    </aside>
  );
}
