import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { runHistory, serviceSettings } from '../sim/run-history.js';
import { startSimulationService } from '../sim/simulation-service.js';
import { createTestDatabase, testDatabaseKind } from './database.js';

/**
 * Issue 15 §2 at CI size: a few histories of the deterministic simulation (docs/simulation.md),
 * each on a fresh service, database and sandbox; any violation fails the test with the command
 * that replays its seed. `npm run simulate -- --seed N --histories K` runs more.
 */
const FIRST_SEED = Number(process.env.SIMULATION_SEED ?? 1);
const HISTORIES = Number(process.env.SIMULATION_HISTORIES ?? 3);

describe(`the money path under generated histories with faults, on ${testDatabaseKind}`, () => {
  for (let seed = FIRST_SEED; seed < FIRST_SEED + HISTORIES; seed++) {
    it(`history ${seed}: verify, notifications, reconciliation, conservation and transfers hold`, { timeout: 120_000 }, async () => {
      const service = await startSimulationService(await createTestDatabase(), serviceSettings(seed));
      try {
        const result = await runHistory(service, seed);
        expect(result.violations, `replay: npm run simulate -- --seed ${seed} --histories 1 --verbose\n${result.steps.join('\n')}`).toEqual([]);
        expect(service.testSandbox?.violations()).toEqual([]);
      } finally {
        await service.close();
      }
    });
  }

  it('the checks bite: a charge changed at Stripe behind the service is a violation', { timeout: 120_000 }, async () => {
    const service = await startSimulationService(await createTestDatabase());
    try {
      const result = await runHistory(service, 1, {
        steps: 15,
        beforeChecks: async () => {
          const customer = new Stripe('sk_test_simulation_check', service.testSandbox!.clientOptions);
          const charge = (await customer.charges.list({ limit: 100 })).data.find((c) => c.metadata?.creatorId);
          expect(charge, 'seed 1 pays by card in its first 15 steps').toBeDefined();
          await service.testSandbox!.control('POST', `/_sandbox/objects/${charge!.id}`, { amount: charge!.amount + 100 });
        },
      });
      expect(result.violations).toEqual(expect.arrayContaining([expect.stringMatching(/^money not conserved in (eur|usd)/), expect.stringMatching(/^reconciliation: mismatched/)]));
    } finally {
      await service.close();
    }
  });
});
