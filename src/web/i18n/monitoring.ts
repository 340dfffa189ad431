import { useTranslation } from 'react-i18next';
import en from './en/monitoring.json';
import fr from './fr/monitoring.json';
import { i18next } from './index';

/**
 * The strings of the money-watching pages (alerts, platform balance, analytics), in the
 * `monitoring` namespace. They travel with those pages' code rather than with the app's first
 * download (which must stay under 200 KB gzip): importing this module — every component of those
 * pages does, through `useMonitoringTranslation` — adds them to i18next once.
 */
export const MONITORING_NAMESPACE = 'monitoring';

for (const [locale, strings] of [
  ['en', en],
  ['fr', fr],
] as const) {
  if (!i18next.hasResourceBundle(locale, MONITORING_NAMESPACE)) i18next.addResourceBundle(locale, MONITORING_NAMESPACE, strings);
}

/** `useTranslation('monitoring')`, with the namespace's strings certainly loaded. */
export function useMonitoringTranslation() {
  return useTranslation(MONITORING_NAMESPACE);
}
