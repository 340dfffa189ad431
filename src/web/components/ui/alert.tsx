import type { ComponentProps } from 'react';
import { cn } from '../../lib/cn';

const tones = {
  info: 'border-blue-200 bg-blue-50 text-blue-950',
  success: 'border-green-200 bg-green-50 text-green-950',
  warning: 'border-amber-200 bg-amber-50 text-amber-950',
  error: 'border-red-200 bg-red-50 text-red-950',
} as const;

/** A message in the page. Errors are announced (`role="alert"`), the others politely (`role="status"`). */
export function Alert({ className, tone = 'info', ...props }: ComponentProps<'div'> & { tone?: keyof typeof tones }) {
  return <div role={tone === 'error' ? 'alert' : 'status'} className={cn('rounded-md border px-3 py-2 text-sm', tones[tone], className)} {...props} />;
}
