import type { ReactNode } from 'react';

export function Note({ children }: { children?: ReactNode }) {
  return (
    <aside className="callout note" role="note">
      <strong className="callout-label">Note</strong>
      <div>{children}</div>
    </aside>
  );
}
