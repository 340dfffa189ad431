import { Check, Copy } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../ui/button';

/** A button that copies `value`; it says what it copies (`label`), and announces that it did. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const { t } = useTranslation('admin');
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2_000);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // Without clipboard permission (plain http, an iframe) the value stays selectable by hand.
      setCopied(false);
    }
  };

  return (
    <>
      <Button type="button" variant="ghost" size="sm" className="h-7 px-1.5" onClick={() => void copy()} aria-label={t('copy.label', { label, value })}>
        {copied ? <Check aria-hidden="true" className="size-3.5 text-green-700" /> : <Copy aria-hidden="true" className="size-3.5" />}
      </Button>
      <span role="status" className="sr-only">
        {copied ? t('copy.done', { label }) : ''}
      </span>
    </>
  );
}

/** An id in monospace, selectable in one click, with its copy button. */
export function CopyableId({ value, label }: { value: string; label: string }) {
  return (
    <span className="inline-flex items-center gap-1">
      <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs whitespace-nowrap text-slate-800 select-all">{value}</code>
      <CopyButton value={value} label={label} />
    </span>
  );
}
