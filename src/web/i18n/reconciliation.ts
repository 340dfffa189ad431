import { useTranslation } from 'react-i18next';
import en from './en/reconciliation.json';
import fr from './fr/reconciliation.json';
import { i18next } from './index';

/**
 * The strings of the reconciliation page, in the `reconciliation` namespace. Like `monitoring`
 * (i18n/monitoring.ts), they travel with the page's code rather than with the app's first
 * download: importing this module — every component of the page does, through
 * `useReconciliationTranslation` — adds them to i18next once.
 */
export const RECONCILIATION_NAMESPACE = 'reconciliation';

for (const [locale, strings] of [
  ['en', en],
  ['fr', fr],
] as const) {
  if (!i18next.hasResourceBundle(locale, RECONCILIATION_NAMESPACE)) i18next.addResourceBundle(locale, RECONCILIATION_NAMESPACE, strings);
}

/** `useTranslation('reconciliation')`, with the namespace's strings certainly loaded. */
export function useReconciliationTranslation() {
  return useTranslation(RECONCILIATION_NAMESPACE);
}
