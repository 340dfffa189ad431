import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, ElementContext, Result, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Impacts that fail a test; "minor" and "moderate" ones are worth a look but not a red build. */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

export interface CheckA11yOptions {
  /** Limit the audit to part of the page, or leave parts out (axe's context). Default: the whole document. */
  context?: ElementContext;
  /** axe rules to skip, each with the reason in a comment where it is used. */
  disableRules?: string[];
}

/**
 * Run axe-core in the page as it is now and fail with a readable list of every serious or critical
 * violation: the rule, what it asks for, and each offending element with axe's advice.
 *
 * axe is evaluated through the DevTools protocol rather than added as a `<script>`: the service's
 * CSP (script-src 'self') refuses inline scripts, and the page is audited with that CSP in force.
 *
 * @example
 * await page.goto('/login');
 * await checkA11y(page);
 */
export async function checkA11y(page: Page, options: CheckA11yOptions = {}): Promise<void> {
  // Colours are judged as they settle: a button caught half-way through a fade or a hover transition
  // has a contrast it never keeps (a CI run failed on one at 4.33:1).
  await page.evaluate(async () => {
    const page = globalThis as unknown as { document: { getAnimations: () => { finished: Promise<unknown> }[] } };
    const settled = Promise.all(page.document.getAnimations().map((animation) => animation.finished.catch(() => undefined)));
    // An endless animation (a spinner) never finishes: give up waiting after two seconds.
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 2000))]);
  });
  await page.evaluate(axeSource);
  const runOptions: RunOptions = {
    resultTypes: ['violations'],
    ...(options.disableRules && { rules: Object.fromEntries(options.disableRules.map((rule) => [rule, { enabled: false }])) }),
  };
  const results = await page.evaluate(
    ([context, runOptions]) => {
      // Runs in the page (this project's TypeScript has no DOM types: the page's globals are typed here).
      const page = globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<AxeResults> }; document: unknown };
      return page.axe.run(context ?? page.document, runOptions);
    },
    [options.context ?? null, runOptions] as const,
  );
  const failing = results.violations.filter((violation) => FAILING_IMPACTS.has(violation.impact ?? ''));
  if (failing.length > 0) throw new Error(`Accessibility (axe-core) on ${page.url()}:\n${formatViolations(failing)}`);
}

/** One paragraph per rule, one indented line per element. */
export function formatViolations(violations: readonly Result[]): string {
  return violations
    .map((violation) => {
      const nodes = violation.nodes.map((node) => `    ${node.target.join(' ')}\n      ${summaryLine(node.failureSummary)}`);
      return `  [${violation.impact}] ${violation.id}: ${violation.help} (${violation.helpUrl})\n${nodes.join('\n')}`;
    })
    .join('\n');
}

/** axe's "Fix any of the following:\n  A\n  B" as "Fix any of the following: A; B". */
function summaryLine(summary: string | undefined): string {
  return (summary ?? '')
    .split('\n\n')
    .map((block) => {
      const [heading = '', ...items] = block.split('\n').map((line) => line.trim());
      return `${heading} ${items.join('; ')}`.trim();
    })
    .join(' | ');
}

