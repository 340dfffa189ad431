import { useSearchParams } from 'react-router';

/**
 * Cursor pagination kept in the URL, so that a copied link or a reload shows the same page: the
 * parameter holds the cursors that led to the current page, dot-separated (cursors are base64url,
 * which has no dot), so "Previous" works after a reload too. Each table has its own parameter.
 */
export function useCursorPages(param: string) {
  const [params, setParams] = useSearchParams();
  const trail = (params.get(param) ?? '').split('.').filter(Boolean);
  const go = (next: string[]) =>
    setParams(
      (current) => {
        const updated = new URLSearchParams(current);
        if (next.length > 0) updated.set(param, next.join('.'));
        else updated.delete(param);
        return updated;
      },
      { preventScrollReset: true },
    );
  return {
    /** The cursor of the page shown; undefined on the first page. */
    cursor: trail.at(-1),
    /** 1 on the first page. */
    page: trail.length + 1,
    next: (cursor: string) => go([...trail, cursor]),
    previous: () => go(trail.slice(0, -1)),
  };
}
