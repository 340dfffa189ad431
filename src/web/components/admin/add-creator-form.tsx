import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useCreateCreator, type CreateCreatorReply } from '../../api/admin-creators';
import { useErrorMessage } from '../../lib/use-error-message';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { Input } from '../ui/input';
import { Label } from '../ui/label';
import { CopyableId, CopyButton } from './copy-button';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The command line that adds a creator who signs in here with a password (docs/auth.md, "Users"). */
const CREATE_WITH_PASSWORD = "npx payouts users create --role creator --email … --name … --password …";

/** Add a creator (name, email): the service makes the user and the Stripe account and returns the onboarding link to send them. */
export function AddCreatorForm() {
  const { t } = useTranslation('admin');
  const errorMessage = useErrorMessage();
  const id = useId();
  const create = useCreateCreator();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [invalid, setInvalid] = useState<{ name?: boolean; email?: boolean }>({});
  const [created, setCreated] = useState<CreateCreatorReply | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = { name: name.trim() === '', email: !EMAIL.test(email.trim()) };
    setInvalid(problems);
    if (problems.name || problems.email) {
      document.getElementById(problems.name ? `${id}-name` : `${id}-email`)?.focus();
      return;
    }
    setCreated(null);
    create.mutate(
      { name: name.trim(), email: email.trim() },
      {
        onSuccess: (reply) => {
          setCreated(reply);
          setName('');
          setEmail('');
        },
      },
    );
  };

  return (
    <div className="space-y-3">
      <form onSubmit={submit} noValidate aria-labelledby={`${id}-title`} className="space-y-3">
        <h2 id={`${id}-title`} className="text-lg font-semibold text-slate-900">
          {t('addCreator.title')}
        </h2>
        {create.isError && <Alert tone="error">{errorMessage(create.error)}</Alert>}
        <div className="flex flex-wrap items-start gap-3">
          <div className="min-w-56 flex-1 space-y-1">
            <Label htmlFor={`${id}-name`}>{t('addCreator.name')}</Label>
            <Input
              id={`${id}-name`}
              autoComplete="off"
              value={name}
              maxLength={200}
              aria-invalid={invalid.name || undefined}
              aria-describedby={invalid.name ? `${id}-name-error` : undefined}
              onChange={(event) => setName(event.target.value)}
            />
            {invalid.name && (
              <p id={`${id}-name-error`} className="text-sm text-red-800">
                {t('errors:INVALID_NAME')}
              </p>
            )}
          </div>
          <div className="min-w-56 flex-1 space-y-1">
            <Label htmlFor={`${id}-email`}>{t('addCreator.email')}</Label>
            <Input
              id={`${id}-email`}
              type="email"
              autoComplete="off"
              value={email}
              maxLength={320}
              aria-invalid={invalid.email || undefined}
              aria-describedby={invalid.email ? `${id}-email-error` : undefined}
              onChange={(event) => setEmail(event.target.value)}
            />
            {invalid.email && (
              <p id={`${id}-email-error`} className="text-sm text-red-800">
                {t('errors:INVALID_EMAIL')}
              </p>
            )}
          </div>
          <Button type="submit" className="mt-6" disabled={create.isPending}>
            {create.isPending ? t('addCreator.adding') : t('addCreator.submit')}
          </Button>
        </div>
      </form>
      {created && (
        <Alert tone="success" className="space-y-2">
          <p className="font-medium">{t('addCreator.created', { name: created.user.name })}</p>
          <p className="flex flex-wrap items-center gap-1">
            {t('creators.userId')} <CopyableId value={created.user.id} label={t('creators.userId')} />
          </p>
          <p className="flex flex-wrap items-center gap-1">
            {t('creators.creatorId')} <CopyableId value={created.creator.id} label={t('creators.creatorId')} />
          </p>
          {created.onboardingUrl ? (
            <div className="space-y-1">
              <p>{t('addCreator.sendLink')}</p>
              <p className="flex items-center gap-1">
                <a href={created.onboardingUrl} target="_blank" rel="noreferrer noopener" className="break-all text-indigo-800 underline">
                  {created.onboardingUrl}
                </a>
                <CopyButton value={created.onboardingUrl} label={t('addCreator.onboardingLink')} />
              </p>
            </div>
          ) : (
            <p>{t('addCreator.noLink')}</p>
          )}
          <p className="mt-2">{t('addCreator.signIn')}</p>
          <p className="mt-1">
            <code className="rounded bg-white/70 px-1.5 py-0.5 font-mono text-xs break-all text-slate-900">{CREATE_WITH_PASSWORD}</code>
          </p>
        </Alert>
      )}
    </div>
  );
}
