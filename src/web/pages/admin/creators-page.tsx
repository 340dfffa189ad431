import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useAdminCreators } from '../../api/admin-creators';
import { AddCreatorForm } from '../../components/admin/add-creator-form';
import { CreatorsTable } from '../../components/admin/creators-table';
import { CursorPager } from '../../components/admin/cursor-pager';
import { useCursorPage, withoutCursor } from '../../components/admin/use-cursor-page';
import { Updating } from '../../components/admin/updating';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { Button } from '../../components/ui/button';
import { Card } from '../../components/ui/card';
import { Input } from '../../components/ui/input';
import { Label } from '../../components/ui/label';

const PAGE_SIZE = 25;

/** `/dashboard/admin/creators`: search creators (`?search=`), see their ids, onboarding and balances; add one. */
export default function AdminCreatorsPage() {
  const { t } = useTranslation('admin');
  const id = useId();
  const [params, setParams] = useSearchParams();
  const search = params.get('search') ?? '';
  const [typed, setTyped] = useState(search);
  const page = useCursorPage();
  const creators = useAdminCreators({ limit: PAGE_SIZE, ...(search && { search }), ...(page.cursor && { cursor: page.cursor }) });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = withoutCursor(params);
    if (typed.trim()) next.set('search', typed.trim());
    else next.delete('search');
    setParams(next);
  };

  return (
    <>
      <PageHeader title={t('creators.title')} description={t('creators.description')} />
      <Card className="mb-6">
        <AddCreatorForm />
      </Card>
      <section aria-labelledby={`${id}-list`}>
          <h2 id={`${id}-list`} className="sr-only">
            {t('creators.list')}
          </h2>
          <form role="search" aria-label={t('creators.searchLabel')} onSubmit={submit} className="mb-4 flex flex-wrap items-end gap-2">
            <div className="min-w-60 flex-1 space-y-1">
              <Label htmlFor={`${id}-search`}>{t('creators.search')}</Label>
              <Input id={`${id}-search`} type="search" value={typed} onChange={(event) => setTyped(event.target.value)} placeholder={t('creators.searchPlaceholder')} />
            </div>
            <Button type="submit" variant="outline">
              {t('creators.searchButton')}
            </Button>
          </form>
          <QueryState query={creators}>
            {(data) => (
              <Updating busy={creators.isPlaceholderData}>
                {search && <p className="mb-2 text-sm text-slate-700" role="status">{t('creators.resultsFor', { search })}</p>}
                <CreatorsTable creators={data.data} />
                <CursorPager page={page} nextCursor={data.nextCursor} label={t('creators.pagination')} />
              </Updating>
            )}
          </QueryState>
      </section>
    </>
  );
}
