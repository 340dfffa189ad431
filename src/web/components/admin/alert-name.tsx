import type { AdminAlert } from '../../api/admin-alerts';

/**
 * Which alert: its headline in the page's language and, when they differ, what the check found in
 * the service's words (English, with the ids that tell two alerts of one kind apart).
 */
export function AlertName({ alert }: { alert: Pick<AdminAlert, 'headline' | 'subject'> }) {
  return (
    <>
      <span className="block">{alert.headline}</span>
      {alert.subject !== alert.headline && (
        <span lang="en" className="block break-words">
          {alert.subject}
        </span>
      )}
    </>
  );
}
