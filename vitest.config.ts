import { configDefaults, defineConfig } from 'vitest/config';

const browserTests = ['src/**/*.browser.test.ts', 'test/**/*.browser.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default on a 2-core machine is one worker: files then run one after another while
    // much of their time is spent waiting (on the sandbox, a child process, Chromium). Two overlap
    // those waits without oversubscribing the CPU that PGlite's tests need (measured: service suite
    // 344 s with 2 workers on a quiet machine, 408 s with 3); VITEST_MAX_WORKERS overrides it.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS ?? 2),
    projects: [
      {
        extends: true,
        test: {
          name: 'service',
          // Test files of one worker share its module graph instead of importing everything again:
          // importing was a third of the suite's time (measured: import 112–150 s of worker time →
          // 12 s; the PGlite suite 326 s → 218 s). Files keep their own state — each makes its own
          // app, database and sandbox — and nothing mocks modules (no vi.mock in the tree).
          isolate: false,
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...browserTests],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        // The dashboards in Chromium against the real service (test/browser/README.md). Its global
        // setup runs only when one of these files is in the run: it builds dist/web when stale, or
        // says in one line that Chromium is missing and the files are skipped.
        extends: true,
        test: {
          name: 'browser',
          include: browserTests,
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
