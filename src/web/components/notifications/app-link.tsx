import type { ComponentProps } from 'react';
import { Link } from 'react-router';

/**
 * A link to an absolute URL the service made (a notification's `link`, under APP_URL): within the
 * app when it points at this origin (no page reload), a plain link otherwise.
 */
export function AppLink({ href, ...props }: Omit<ComponentProps<'a'>, 'href'> & { href: string }) {
  const inApp = sameOriginPath(href);
  return inApp === undefined ? <a href={href} {...props} /> : <Link to={inApp} {...props} />;
}

/** The path (with query and hash) of `href` when it is on this page's origin. */
function sameOriginPath(href: string): string | undefined {
  try {
    const url = new URL(href, window.location.href);
    return url.origin === window.location.origin ? url.pathname + url.search + url.hash : undefined;
  } catch {
    return undefined;
  }
}
