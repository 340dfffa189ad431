export interface WelcomeBannerInput {
  /** Where the service listens. */
  url: string;
  /** Whether dist/web holds a build to serve. */
  dashboardsBuilt: boolean;
  /** The demo's published logins, when the database holds the demo data. */
  demo?: { password: string; admin: string; creators: readonly string[] };
  /** The embedded database's directory, when there is one. */
  dataDir?: string;
}

/**
 * What `npm start` prints once the service is ready: where to click, and how to log in to the demo.
 * A few lines a newcomer reads in one glance; the log lines that follow are for operating it.
 *
 * @example
 * process.stdout.write(formatWelcomeBanner({ url: 'http://127.0.0.1:3000', dashboardsBuilt: true }));
 */
export function formatWelcomeBanner(input: WelcomeBannerInput): string {
  const base = input.url.replace(/\/$/, '');
  const lines = [
    '',
    `  Payouts is running at ${base}`,
    '',
    input.dashboardsBuilt ? `    Dashboards  ${base}/login` : '    Dashboards  not built yet: run `npm run build`, then open /login',
    `    API docs    ${base}/docs`,
  ];
  if (input.demo) {
    lines.push(
      '',
      `  Demo logins (password: ${input.demo.password})`,
      `    admin       ${input.demo.admin}`,
      `    creators    ${input.demo.creators.join(', ')}`,
    );
  }
  const dataHint = input.dataDir ? ` Data in ${input.dataDir} (delete it for a fresh demo).` : '';
  lines.push('', `  Stop with Ctrl-C.${dataHint}`, '', '');
  return lines.join('\n');
}
