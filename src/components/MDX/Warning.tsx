import type { ReactNode } from 'react';

export function Warning({ children }: { children?: ReactNode }) {
  return (
    <aside className="callout warning" role="note">
      <strong className="callout-label">Warning</strong>
      <div>{children}</div>
    </aside>
  );
}
