import { useTranslation } from 'react-i18next';
import { formatMoney } from '../lib/money';

/** An amount in the user's locale; minor units and currency in, as the API speaks. */
export function MoneyAmount({ amount, currency, className }: { amount: number; currency: string; className?: string }) {
  const { i18n } = useTranslation();
  return <span className={['tabular whitespace-nowrap', className].filter(Boolean).join(' ')}>{formatMoney(amount, currency, i18n.language)}</span>;
}
