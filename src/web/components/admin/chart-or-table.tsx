import { useId, type ReactNode } from 'react';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../ui/tabs';
import { useMonitoringTranslation } from '../../i18n/monitoring';

/**
 * A chart with its figures as a table, in two tabs. The chart is one image for assistive
 * technology (`summary` says what it shows); the table is the accessible alternative and the
 * exact figures for everyone.
 */
export function ChartOrTable({ title, summary, chart, table, headingLevel = 2 }: { title: string; summary: string; chart: ReactNode; table: ReactNode; headingLevel?: 2 | 3 }) {
  const { t } = useMonitoringTranslation();
  const id = useId();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section aria-labelledby={`${id}-title`} className="min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <Tabs defaultValue="chart">
        <div className="mb-2 flex items-start justify-between gap-3">
          <Heading id={`${id}-title`} className="min-w-0 pt-2 text-base font-semibold text-slate-900">
            {title}
          </Heading>
          <TabsList aria-label={t('chart.views', { title })} className="mb-0 shrink-0">
            <TabsTrigger value="chart">{t('chart.chart')}</TabsTrigger>
            <TabsTrigger value="table">{t('chart.table')}</TabsTrigger>
          </TabsList>
        </div>
        <TabsContent value="chart">
          <div role="img" aria-label={summary} className="h-64 w-full">
            {chart}
          </div>
        </TabsContent>
        {/* The panel (focusable, as Radix makes it) is what scrolls, both ways, so a keyboard can scroll a long or wide table; the table's own box must not scroll inside it. */}
        <TabsContent value="table" className="max-h-96 overflow-auto [&>div]:overflow-visible">
          {table}
        </TabsContent>
      </Tabs>
    </section>
  );
}
