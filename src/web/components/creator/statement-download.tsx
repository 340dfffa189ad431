import { useTranslation } from 'react-i18next';
import type { PayoutStatement } from '../../api/creator-payouts';
import { PAYOUTS_CSV_URL } from '../../api/creator-payouts';
import { Button } from '../ui/button';
import { statementCsv } from './statement-csv';

/** This payout's statement as a CSV file (made here from the statement shown), and the whole history from the service. */
export function StatementDownload({ statement }: { statement: PayoutStatement }) {
  const { t } = useTranslation();
  const download = () => {
    const url = URL.createObjectURL(new Blob([statementCsv(statement)], { type: 'text/csv;charset=utf-8' }));
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = `payout-${statement.payout.id}.csv`;
    anchor.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };
  return (
    <div className="flex flex-wrap gap-2">
      <Button variant="outline" onClick={download}>
        {t('creator:statement.downloadCsv')}
      </Button>
      <a
        href={PAYOUTS_CSV_URL}
        download
        className="inline-flex h-9 items-center rounded-md px-3 text-sm font-medium text-indigo-700 underline underline-offset-2 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      >
        {t('creator:history.downloadCsv')}
      </a>
    </div>
  );
}
