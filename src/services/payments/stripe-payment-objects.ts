import { z } from 'zod';
import { AppError } from '../../domain/errors/index.js';
import type { StripePaymentFacts } from './record-stripe-payment.js';

/**
 * The fields of Stripe's payment intents and Checkout sessions that recording a payment needs,
 * parsed with zod wherever they come from (a webhook payload, a stored event, an API answer):
 * nothing downstream trusts an unparsed Stripe object.
 */

/** An expandable reference: the id, or the expanded object carrying it. */
const stripeReference = z.union([z.string(), z.object({ id: z.string() }).loose()]).transform((value) => (typeof value === 'string' ? value : value.id));

const metadataSchema = z.record(z.string(), z.string()).nullish().transform((value) => value ?? {});

export const paymentIntentSchema = z
  .object({
    id: z.string().min(1),
    object: z.literal('payment_intent'),
    amount: z.number().int().nonnegative(),
    amount_received: z.number().int().nonnegative().nullish(),
    currency: z.string().length(3),
    status: z.string(),
    created: z.number().int(),
    metadata: metadataSchema,
    latest_charge: stripeReference.nullish(),
    receipt_email: z.string().nullish(),
    transfer_data: z.object({ destination: stripeReference }).loose().nullish(),
  })
  .loose();

export type PaymentIntentFields = z.infer<typeof paymentIntentSchema>;

export const checkoutSessionSchema = z
  .object({
    id: z.string().min(1),
    object: z.literal('checkout.session'),
    mode: z.string().nullish(),
    status: z.string().nullish(),
    payment_status: z.string(),
    payment_intent: stripeReference.nullish(),
    amount_total: z.number().int().nullish(),
    currency: z.string().nullish(),
    metadata: metadataSchema,
    customer_email: z.string().nullish(),
    customer_details: z.object({ email: z.string().nullish() }).loose().nullish(),
  })
  .loose();

export type CheckoutSessionFields = z.infer<typeof checkoutSessionSchema>;

/** @throws AppError STRIPE_OBJECT_MALFORMED naming what did not parse */
export function parseStripeObject<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  throw new AppError('STRIPE_OBJECT_MALFORMED', `The ${what} from Stripe does not have the expected shape: ${problems}`, { kind: 'unprocessable' });
}

/**
 * A succeeded payment intent as payment facts. `paidAt` is when it succeeded (the event's time;
 * a payment intent only carries its creation time). A Checkout session, when the payment came
 * through one, adds its id, its metadata (which wins) and the email the customer typed.
 */
export function paymentFactsFrom(intent: PaymentIntentFields, options: { paidAt: Date; session?: CheckoutSessionFields | undefined }): StripePaymentFacts {
  const { session } = options;
  const received = intent.amount_received && intent.amount_received > 0 ? intent.amount_received : intent.amount;
  return {
    paymentIntentId: intent.id,
    chargeId: intent.latest_charge ?? null,
    checkoutSessionId: session?.id ?? null,
    amount: BigInt(received),
    currency: intent.currency.toLowerCase(),
    paidAt: options.paidAt,
    metadata: { ...intent.metadata, ...session?.metadata },
    customerEmail: session?.customer_details?.email ?? session?.customer_email ?? intent.receipt_email ?? null,
    transferDestination: intent.transfer_data?.destination ?? null,
  };
}
