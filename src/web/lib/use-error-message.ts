import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { formatDuration } from './dates';

/**
 * The words for a failure, in the user's language: the service's `error.code` translated where the
 * app knows it (with its details, e.g. the wait left), else the service's own message.
 */
export function useErrorMessage(): (error: unknown) => string {
  const { t, i18n } = useTranslation('errors');
  return (error) => {
    if (error instanceof ApiError) {
      if (i18n.exists(`errors:${error.code}`)) {
        const wait = typeof error.details?.retryAfterSeconds === 'number' ? formatDuration(error.details.retryAfterSeconds, i18n.language, { precision: 2 }) : '';
        return t(error.code, { wait });
      }
      return error.message || t('fallback', { code: error.code });
    }
    if (error instanceof TypeError) return t('network');
    if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string' && i18n.exists(`errors:${error.code}`)) return t(error.code);
    return error instanceof Error ? error.message : String(error);
  };
}
