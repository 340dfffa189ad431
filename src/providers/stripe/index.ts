export { StripeGateway, idempotencyKeys, transferGroup, RECONCILE_READ, type StripeGatewayOptions, type ReconcilePageInput } from './stripe-gateway.js';
export { verifyStripeWebhook, WEBHOOK_TOLERANCE_SECONDS } from './verify-webhook.js';
export { isTransientStripeError, toAppError as stripeErrorToAppError, type StripeFailureDetails } from './stripe-errors.js';
export { StripeRequestPolicy, type RequestPolicyOptions } from './request-policy.js';
