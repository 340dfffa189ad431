import { isAdvanceableClock, unixSeconds } from '../clock.js';
import type { SandboxContext } from '../context.js';
import { emitEvent } from '../event-log.js';
import { generateId } from '../ids.js';
import { processDueChanges } from '../lifecycle.js';
import type { StripeRouter } from '../router.js';
import type { StripeObject } from '../state.js';
import { paginate } from '../wire/list.js';
import { optionalString, requiredInteger } from '../wire/params.js';
import { invalidRequest } from '../wire/stripe-error.js';

export interface TestClockObject extends StripeObject {
  object: 'test_helpers.test_clock';
  frozen_time: number;
  status: 'ready' | 'advancing' | 'internal_failure';
}

/**
 * Moves the sandbox clock forward by `seconds` and applies everything that became due
 * (pending funds, payouts, expiring sessions).
 */
export function advanceSandboxTime(sandbox: SandboxContext, seconds: number): void {
  if (!isAdvanceableClock(sandbox.clock)) {
    throw invalidRequest('This sandbox runs on an external clock; advance that clock instead.', { code: 'clock_not_advanceable' });
  }
  sandbox.clock.advance(seconds);
  processDueChanges(sandbox);
}

/**
 * Stripe's test clocks over the sandbox's single timeline: advancing a test clock by Δ
 * (`frozen_time` new − old) advances the whole sandbox by Δ. The advance answers with
 * `status: advancing`; the clock is `ready` right after (`test_helpers.test_clock.ready`).
 */
export function registerTestClockRoutes(router: StripeRouter): void {
  router.post('/v1/test_helpers/test_clocks', ({ sandbox, params, account }) => {
    const frozenTime = requiredInteger(params, 'frozen_time', { min: 0 });
    const now = unixSeconds(sandbox.clock);
    const clock: TestClockObject = {
      id: generateId('clock'),
      object: 'test_helpers.test_clock',
      created: now,
      deletes_after: now + 30 * 86_400,
      frozen_time: frozenTime,
      livemode: false,
      name: optionalString(params, 'name') ?? null,
      status: 'ready',
      status_details: {},
    };
    sandbox.store.insert(account, clock);
    emitEvent(sandbox, { type: 'test_helpers.test_clock.created', account, object: clock });
    return clock;
  });
  router.get('/v1/test_helpers/test_clocks', ({ sandbox, params, account }) =>
    paginate(sandbox.store.list<TestClockObject>('test_helpers.test_clock', account), params, '/v1/test_helpers/test_clocks'),
  );
  router.get('/v1/test_helpers/test_clocks/:id', ({ sandbox, path, account }) => findClock(sandbox, path.id ?? '', account));
  router.delete('/v1/test_helpers/test_clocks/:id', ({ sandbox, path, account }) => {
    const clock = findClock(sandbox, path.id ?? '', account);
    sandbox.store.delete(clock.id);
    emitEvent(sandbox, { type: 'test_helpers.test_clock.deleted', account, object: clock });
    return { id: clock.id, object: 'test_helpers.test_clock', deleted: true };
  });
  router.post('/v1/test_helpers/test_clocks/:id/advance', ({ sandbox, path, params, account }) => {
    const clock = findClock(sandbox, path.id ?? '', account);
    const frozenTime = requiredInteger(params, 'frozen_time', { min: 0 });
    if (frozenTime <= clock.frozen_time) {
      throw invalidRequest(`The test clock's frozen_time can only move forward: ${frozenTime} is not after ${clock.frozen_time}.`, { param: 'frozen_time' });
    }
    if (clock.status === 'advancing') throw invalidRequest('The test clock is already advancing.', { code: 'test_clock_advancing' });
    const delta = frozenTime - clock.frozen_time;
    clock.frozen_time = frozenTime;
    clock.status = 'advancing';
    emitEvent(sandbox, { type: 'test_helpers.test_clock.advancing', account, object: clock });
    advanceSandboxTime(sandbox, delta);
    const response = structuredClone(clock);
    clock.status = 'ready';
    emitEvent(sandbox, { type: 'test_helpers.test_clock.ready', account, object: clock });
    return response;
  });
}

function findClock(sandbox: SandboxContext, id: string, account: string): TestClockObject {
  return sandbox.store.get<TestClockObject>('test_helpers.test_clock', id, account, { label: 'test_clock' });
}
