import { describe, expect, it } from 'vitest';
import { formatWelcomeBanner } from './welcome-banner.js';

describe('the banner of npm start', () => {
  it('says where to click and how to log in to the demo', () => {
    const banner = formatWelcomeBanner({
      url: 'http://127.0.0.1:3000/',
      dashboardsBuilt: true,
      demo: { password: 'payouts-demo', admin: 'admin@demo.payouts.test', creators: ['ana@demo.payouts.test', 'ben@demo.payouts.test'] },
      dataDir: './data',
    });
    expect(banner).toContain('Payouts is running at http://127.0.0.1:3000\n');
    expect(banner).toContain('Dashboards  http://127.0.0.1:3000/login');
    expect(banner).toContain('API docs    http://127.0.0.1:3000/docs');
    expect(banner).toContain('Demo logins (password: payouts-demo)');
    expect(banner).toContain('admin       admin@demo.payouts.test');
    expect(banner).toContain('creators    ana@demo.payouts.test, ben@demo.payouts.test');
    expect(banner).toContain('Data in ./data');
    expect(banner.split('\n').length).toBeLessThanOrEqual(14);
  });

  it('says how to build the dashboards when they are not, and shows no demo without one', () => {
    const banner = formatWelcomeBanner({ url: 'http://127.0.0.1:3000', dashboardsBuilt: false });
    expect(banner).toContain('not built yet: run `npm run build`');
    expect(banner).not.toContain('Demo');
    expect(banner).not.toContain('Data in');
  });
});
