import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { homePathFor, useLogin, useMe } from '../api/session';
import { LocaleSwitcher } from '../components/locale-switcher';
import { Alert } from '../components/ui/alert';
import { Button } from '../components/ui/button';
import { Input } from '../components/ui/input';
import { Label } from '../components/ui/label';
import { useErrorMessage } from '../lib/use-error-message';

/** `/login`: email and password to a session cookie; says why a person was sent here (expired, signed out). */
export function LoginPage() {
  const { t } = useTranslation();
  const me = useMe();
  const login = useLogin();
  const navigate = useNavigate();
  const errorMessage = useErrorMessage();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const reason = params.get('reason');
  const next = params.get('next');

  if (me.data && !login.isPending) return <Navigate to={safeNext(next) ?? homePathFor(me.data)} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ email, password }, { onSuccess: (session) => navigate(safeNext(next) ?? (session.user.role === 'ADMIN' ? '/dashboard/admin/payouts' : '/dashboard/creator/payouts'), { replace: true }) });
  };

  return (
    <main id="main" className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-4 flex justify-end">
          <LocaleSwitcher />
        </div>
        <form onSubmit={submit} className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm" noValidate>
          <h1 className="text-xl font-semibold">{t('login.title')}</h1>
          {reason === 'expired' && <Alert tone="warning">{t('login.expired')}</Alert>}
          {reason === 'logged-out' && <Alert tone="info">{t('login.loggedOut')}</Alert>}
          {login.isError && <Alert tone="error">{errorMessage(login.error)}</Alert>}
          <div className="space-y-1">
            <Label htmlFor="email">{t('login.email')}</Label>
            <Input id="email" type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} />
          </div>
          <div className="space-y-1">
            <Label htmlFor="password">{t('login.password')}</Label>
            <Input id="password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
          </div>
          <Button type="submit" className="w-full" disabled={login.isPending}>
            {login.isPending ? t('login.submitting') : t('login.submit')}
          </Button>
        </form>
        <p className="mt-4 text-xs text-slate-600">{t('login.demoHint')}</p>
      </div>
    </main>
  );
}

/** Only a path of this app: `?next=https://elsewhere` must not turn the login into an open redirect. */
function safeNext(next: string | null): string | undefined {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : undefined;
}
