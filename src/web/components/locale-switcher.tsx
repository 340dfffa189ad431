import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { changeLocale, isSupportedLocale, SUPPORTED_LOCALES } from '../i18n';
import { Select } from './ui/input';

/** The language of the whole app; signed in, the choice is also stored in the user's profile. */
export function LocaleSwitcher({ onChange }: { onChange?: (locale: 'en' | 'fr') => void }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <span className="flex items-center gap-2">
      <label htmlFor={id} className="text-sm text-slate-700">
        {t('language')}
      </label>
      <Select
        id={id}
        value={i18n.language}
        onChange={(event) => {
          const locale = event.target.value;
          if (!isSupportedLocale(locale)) return;
          void changeLocale(locale);
          onChange?.(locale);
        }}
      >
        {SUPPORTED_LOCALES.map((locale) => (
          <option key={locale} value={locale} lang={locale}>
            {t(`languages.${locale}`)}
          </option>
        ))}
      </Select>
    </span>
  );
}
