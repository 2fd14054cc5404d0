'use client';
// An aside the lesson wants read, but that the steps do not depend on.
import type { ReactNode } from 'react';
import { useT } from '../../i18n/LocaleProvider.tsx';

export function Note({ children }: { children?: ReactNode }) {
  const t = useT();
  return (
    <aside className="callout note" role="note">
      <strong className="callout-label">{t('mdx.note')}</strong>
      <div>{children}</div>
    </aside>
  );
}
