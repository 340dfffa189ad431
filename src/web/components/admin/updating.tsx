import type { ReactNode } from 'react';

/**
 * The previous page's rows stay on screen while the next (other filters, next page) loads: dimmed
 * and marked busy, so neither a person nor a screen reader takes them for the answer.
 */
export function Updating({ busy, children }: { busy: boolean; children: ReactNode }) {
  return (
    <div aria-busy={busy} className={busy ? 'opacity-60 transition-opacity' : 'transition-opacity'}>
      {children}
    </div>
  );
}
