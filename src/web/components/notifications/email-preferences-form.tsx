import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNotificationPreferences, useSaveNotificationPreferences, type NotificationPreferences } from '../../api/notification-preferences';
import type { NotificationCategory } from '../../api/notifications';
import { useErrorMessage } from '../../lib/use-error-message';
import { QueryState } from '../query-state';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { Label } from '../ui/label';
import { Switch } from '../ui/switch';
import { CATEGORIES_BY_ROLE } from './notification-categories';

export const EMAIL_PREFERENCES_ID = 'email-preferences';

/**
 * Email on or off per category (`GET`/`PUT /api/notifications/preferences`), the categories of the
 * person's role only, each with a line on what it covers. In-app is always on and critical alerts
 * are always emailed: the form says so rather than offering switches that would not apply.
 */
export function EmailPreferencesForm({ role }: { role: 'ADMIN' | 'CREATOR' }) {
  const { t } = useTranslation('notifications');
  const headingId = useId();
  const preferences = useNotificationPreferences();

  return (
    <section id={EMAIL_PREFERENCES_ID} aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id={headingId} className="text-lg font-semibold text-slate-900">
        {t('preferences.title')}
      </h2>
      <p className="mt-1 text-sm text-slate-700">{t('preferences.description')}</p>
      <div className="mt-3">
        <QueryState query={preferences}>{(data) => <PreferenceSwitches saved={data} role={role} />}</QueryState>
      </div>
    </section>
  );
}

function PreferenceSwitches({ saved, role }: { saved: NotificationPreferences; role: 'ADMIN' | 'CREATOR' }) {
  const { t } = useTranslation('notifications');
  const id = useId();
  const noteId = useId();
  const errorMessage = useErrorMessage();
  const save = useSaveNotificationPreferences();
  const categories = CATEGORIES_BY_ROLE[role].filter((category) => saved.data.some((preference) => preference.category === category));
  const savedEmail = (category: NotificationCategory) => saved.data.find((preference) => preference.category === category)?.email ?? true;
  const [draft, setDraft] = useState<Partial<Record<NotificationCategory, boolean>>>({});
  const [outcome, setOutcome] = useState<'saved' | 'unchanged' | undefined>();
  const emailOf = (category: NotificationCategory) => draft[category] ?? savedEmail(category);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (save.isPending) return;
    const changes = categories.filter((category) => emailOf(category) !== savedEmail(category)).map((category) => ({ category, email: emailOf(category) }));
    if (changes.length === 0) {
      setOutcome('unchanged');
      return;
    }
    // The reply becomes the saved preferences (the query's data): nothing is left to save.
    save.mutate(changes, {
      onSuccess: () => {
        setDraft({});
        setOutcome('saved');
      },
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-describedby={noteId} className="space-y-4">
      <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
        {categories.map((category) => {
          const explanation = role === 'ADMIN' && category === 'payouts' ? 'payoutsAdmin' : category;
          return (
            <li key={category} className="flex items-center justify-between gap-4 px-3 py-3">
              <div>
                <Label htmlFor={`${id}-${category}`}>{t('preferences.emailLabel', { category: t(`categories.${category}`) })}</Label>
                <p id={`${id}-${category}-explain`} className="text-sm text-slate-700">
                  {t(`preferences.explain.${explanation}`)}
                </p>
              </div>
              <Switch
                id={`${id}-${category}`}
                checked={emailOf(category)}
                aria-describedby={`${id}-${category}-explain`}
                onCheckedChange={(checked) => {
                  setDraft((current) => ({ ...current, [category]: checked }));
                  setOutcome(undefined);
                }}
              />
            </li>
          );
        })}
      </ul>
      <p id={noteId} className="text-sm text-slate-700">
        {t('preferences.note')}
      </p>
      {save.isError && <Alert tone="error">{errorMessage(save.error)}</Alert>}
      {outcome !== undefined && <Alert tone="success">{t(`preferences.${outcome}`)}</Alert>}
      <Button type="submit" aria-disabled={save.isPending}>
        {save.isPending ? t('preferences.saving') : t('preferences.save')}
      </Button>
    </form>
  );
}
