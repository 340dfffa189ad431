export { StripeGateway, idempotencyKeys, transferGroup, RECONCILE_READ, type StripeGatewayOptions, type ReconcilePageInput,
  type StripeList, type StripeTransfer, type StripeTransferReversal, type StripeBankPayout, type StripeBalanceTransaction, type StripeCharge, type StripeRefund, type StripeDispute } from './stripe-gateway.js';
export { verifyStripeWebhook, WEBHOOK_TOLERANCE_SECONDS } from './verify-webhook.js';
export { isTransientStripeError, toAppError as stripeErrorToAppError, type StripeFailureDetails } from './stripe-errors.js';
export { StripeRequestPolicy, type RequestPolicyOptions } from './request-policy.js';
