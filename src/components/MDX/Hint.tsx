// A hint, closed until the learner asks for it (<details> is keyboard-accessible by itself).
import type { ReactNode } from 'react';

export function Hint({ children }: { children?: ReactNode }) {
  return (
    <details className="disclosure hint">
      <summary>Show a hint</summary>
      <div className="disclosure-body">{children}</div>
    </details>
  );
}
