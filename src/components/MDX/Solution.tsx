// The answer, closed until the learner asks for it.
import type { ReactNode } from 'react';

export function Solution({ children }: { children?: ReactNode }) {
  return (
    <details className="disclosure solution">
      <summary>Show the solution</summary>
      <div className="disclosure-body">{children}</div>
    </details>
  );
}
