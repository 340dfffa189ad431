import type { ComponentProps } from 'react';
import { cn } from '../../lib/cn';

/** A real table (rows a person or a test finds by their text), scrolling sideways on a narrow screen with a shadow at the edge that hides columns (`scroll-shadows`, styles.css). `relative`: visually hidden (sr-only) text in its cells stays inside the scroll box instead of widening the page. */
export function Table({ className, ...props }: ComponentProps<'table'>) {
  return (
    <div className="relative w-full scroll-shadows overflow-x-auto rounded-lg border border-slate-200">
      <table className={cn('w-full caption-bottom text-sm', className)} {...props} />
    </div>
  );
}

export function TableHeader(props: ComponentProps<'thead'>) {
  return <thead className="bg-slate-50 text-left text-slate-600" {...props} />;
}

export function TableBody(props: ComponentProps<'tbody'>) {
  return <tbody className="divide-y divide-slate-100" {...props} />;
}

export function TableRow({ className, ...props }: ComponentProps<'tr'>) {
  return <tr className={cn('hover:bg-slate-50', className)} {...props} />;
}

export function TableHead({ className, ...props }: ComponentProps<'th'>) {
  return <th scope="col" className={cn('px-3 py-2 font-medium whitespace-nowrap', className)} {...props} />;
}

export function TableCell({ className, ...props }: ComponentProps<'td'>) {
  return <td className={cn('px-3 py-2 align-middle', className)} {...props} />;
}

export function TableCaption({ className, ...props }: ComponentProps<'caption'>) {
  return <caption className={cn('py-2 text-sm text-slate-600', className)} {...props} />;
}

/** The one row of an empty table: says so across every column. */
export function TableEmptyRow({ columns, children }: { columns: number; children: ComponentProps<'td'>['children'] }) {
  return (
    <TableRow>
      <TableCell colSpan={columns} className="py-6 text-center text-slate-600">
        {children}
      </TableCell>
    </TableRow>
  );
}
