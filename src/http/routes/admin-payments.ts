import { z } from 'zod';
import { setDisputeRequested } from '../../services/payments/set-dispute-requested.js';
import type { App } from '../app.js';
import { requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';
import { paymentResource, toPaymentResource } from '../resources/payment.js';

export async function adminPaymentRoutes(app: App): Promise<void> {
  app.patch(
    '/api/admin/payments/:id',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Stop (or allow again) the release and automatic transfer of one payment (seed 004 disputeRequested)',
        tags: ['admin'],
        params: z.object({ id: z.string() }),
        body: z.object({ disputeRequested: z.boolean(), reason: z.string().max(500).optional() }).strict(),
        response: { 200: z.object({ payment: paymentResource }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const { database, clock } = app.deps;
      const payment = await database.db.transaction((tx) =>
        setDisputeRequested(tx, { paymentId: request.params.id, disputeRequested: request.body.disputeRequested, reason: request.body.reason, actor: request.principal!.actor }, { clock }),
      );
      return { payment: toPaymentResource(payment, clock.now()) };
    },
  );
}
