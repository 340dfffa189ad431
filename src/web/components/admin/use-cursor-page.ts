import { useLocation, useSearchParams } from 'react-router';

interface PagerState {
  /** Cursors of the pages before this one, oldest first ('' is the first page). */
  previousCursors?: string[];
}

/**
 * Cursor pagination kept in the URL (`?cursor=`), so a copied link opens the same page. The way
 * back lives in the history entry's state: a link opened elsewhere has no "previous", only "first".
 */
export function useCursorPage() {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const cursor = params.get('cursor') ?? undefined;
  const previousCursors = (location.state as PagerState | null)?.previousCursors ?? [];

  const goTo = (nextCursor: string | undefined, nextPrevious: string[]) => {
    const next = new URLSearchParams(params);
    if (nextCursor) next.set('cursor', nextCursor);
    else next.delete('cursor');
    setParams(next, { state: { previousCursors: nextPrevious } satisfies PagerState });
  };

  return {
    cursor,
    /** 1 on the first page; undefined when the page was opened from a link in the middle. */
    pageNumber: cursor === undefined ? 1 : previousCursors.length > 0 ? previousCursors.length + 1 : undefined,
    hasPrevious: cursor !== undefined,
    next: (nextCursor: string) => goTo(nextCursor, [...previousCursors, cursor ?? '']),
    previous: () => {
      const before = previousCursors.at(-1);
      goTo(before === '' ? undefined : before, previousCursors.slice(0, -1));
    },
  };
}

/** Filters changed: back to the first page (a cursor belongs to the filters it was made with). */
export function withoutCursor(params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete('cursor');
  return next;
}
