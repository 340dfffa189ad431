import { z } from 'zod';
import { AdjustableClock } from '../../providers/clock/index.js';
import { AppError } from '../../domain/errors/index.js';
import type { App } from '../app.js';
import { errorReplySchema } from '../error-handler.js';

/**
 * The test clock of DESIGN.md §10, registered only with ENABLE_TEST_CLOCK=1 (refused in
 * production by the configuration). Moving it moves the service's clock and, when the local
 * sandbox runs in-process, the sandbox's: a 7-day hold can be watched end to end in seconds.
 */
export async function testClockRoutes(app: App, options: { afterAdvance?: (() => void) | undefined }): Promise<void> {
  const clock = app.deps.clock;
  app.get('/api/test/clock', { schema: { summary: 'The service clock', tags: ['test'], response: { 200: z.object({ now: z.string(), offsetSeconds: z.number() }) } } }, async () => ({
    now: clock.now().toISOString(),
    offsetSeconds: clock instanceof AdjustableClock ? clock.offsetSeconds : 0,
  }));
  app.post(
    '/api/test/clock',
    {
      schema: {
        summary: 'Move the service clock forward',
        tags: ['test'],
        body: z.object({ advanceSeconds: z.number().int().min(0).max(10 * 365 * 86_400) }).strict(),
        response: { 200: z.object({ now: z.string(), offsetSeconds: z.number() }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      if (!(clock instanceof AdjustableClock)) throw new AppError('CLOCK_NOT_ADJUSTABLE', 'This service runs on a fixed clock', { kind: 'conflict' });
      const now = clock.advance(request.body.advanceSeconds);
      options.afterAdvance?.();
      return { now: now.toISOString(), offsetSeconds: clock.offsetSeconds };
    },
  );
}
