import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../db/database.js';
import { migrationStatus } from '../db/migrate.js';
import { startDataDirFromTemplate } from './data-dir-template.js';

const pgliteVersion = (JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string }).version;

// The run's migrated PGlite template (test/global-setup.ts) stands in for the one bin/build.js makes.
describe.skipIf(inject('pgliteTemplate') === null)('a fresh DATA_DIR from the build template', () => {
  let root: string;
  let template: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'payouts-template-test-'));
    template = join(root, 'template');
    const tarball = inject('pgliteTemplate');
    if (!tarball) throw new Error('no PGlite template');
    mkdirSync(template);
    const pglite = await PGlite.create(join(template, 'pglite'), { loadDataDir: new Blob([readFileSync(tarball)]) });
    await pglite.close();
    writeFileSync(join(template, 'stamp.json'), JSON.stringify({ pglite: pgliteVersion, builtAt: Date.now() }));
  });

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('copies it into an empty data directory, migrated and ready to open', async () => {
    const dataDir = join(root, 'fresh');
    expect(await startDataDirFromTemplate(dataDir, template)).toBe(true);
    expect(readdirNames(dataDir)).toEqual(['pglite']);
    const database = await openDatabase({ dataDir, whenLocked: 'refuse' });
    try {
      expect(await migrationStatus(database)).toMatchObject({ upToDate: true });
    } finally {
      await database.close();
    }
  });

  it('leaves a data directory that already holds a database alone', async () => {
    const dataDir = join(root, 'used');
    mkdirSync(join(dataDir, 'pglite'), { recursive: true });
    writeFileSync(join(dataDir, 'pglite', 'mine'), 'keep me');
    expect(await startDataDirFromTemplate(dataDir, template)).toBe(false);
    expect(readdirNames(join(dataDir, 'pglite'))).toEqual(['mine']);
  });

  it('does nothing without a template, with one another PGlite version made, or one older than a migration', async () => {
    expect(await startDataDirFromTemplate(join(root, 'no-template'), join(root, 'missing'))).toBe(false);
    const other = join(root, 'other-version');
    mkdirSync(join(other, 'pglite'), { recursive: true });
    writeFileSync(join(other, 'pglite', 'PG_VERSION'), '17\n');
    writeFileSync(join(other, 'stamp.json'), JSON.stringify({ pglite: '0.0.1', builtAt: Date.now() }));
    expect(await startDataDirFromTemplate(join(root, 'other-data'), other)).toBe(false);
    expect(existsSync(join(root, 'other-data', 'pglite'))).toBe(false);
    writeFileSync(join(other, 'stamp.json'), JSON.stringify({ pglite: pgliteVersion, builtAt: 0 }));
    expect(await startDataDirFromTemplate(join(root, 'older-data'), other)).toBe(false);
    writeFileSync(join(other, 'stamp.json'), JSON.stringify({ pglite: pgliteVersion, builtAt: Date.now() }));
    expect(await startDataDirFromTemplate(join(root, 'same-data'), other)).toBe(true);
  });
});

function readdirNames(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}
