import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import adminEn from './en/admin.json';
import commonEn from './en/common.json';
import creatorEn from './en/creator.json';
import errorsEn from './en/errors.json';
import notificationsEn from './en/notifications.json';
import adminFr from './fr/admin.json';
import commonFr from './fr/common.json';
import creatorFr from './fr/creator.json';
import errorsFr from './fr/errors.json';
import notificationsFr from './fr/notifications.json';

export const SUPPORTED_LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

export const resources = {
  en: { common: commonEn, errors: errorsEn, creator: creatorEn, admin: adminEn, notifications: notificationsEn },
  fr: { common: commonFr, errors: errorsFr, creator: creatorFr, admin: adminFr, notifications: notificationsFr },
} as const;

const STORAGE_KEY = 'payouts.locale';

export function isSupportedLocale(value: string | null | undefined): value is Locale {
  return SUPPORTED_LOCALES.includes(value as Locale);
}

/** Before anyone is signed in: the last choice on this browser, else the browser's language. The profile wins once known. */
export function initialLocale(): Locale {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  if (isSupportedLocale(stored)) return stored;
  const browser = typeof navigator === 'undefined' ? 'en' : navigator.language.slice(0, 2);
  return isSupportedLocale(browser) ? browser : 'en';
}

/** Switch the language of every string, amount and date, and remember it on this browser. */
export async function changeLocale(locale: Locale): Promise<void> {
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
  await i18next.changeLanguage(locale);
}

void i18next.use(initReactI18next).init({
  resources,
  lng: initialLocale(),
  fallbackLng: 'en',
  ns: ['common', 'errors', 'creator', 'admin', 'notifications'],
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
});
if (typeof document !== 'undefined') document.documentElement.lang = i18next.language;

export { i18next };
