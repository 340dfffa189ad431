export { StripeGateway, idempotencyKeys, transferGroup, type StripeGatewayOptions } from './stripe-gateway.js';
export { verifyStripeWebhook, WEBHOOK_TOLERANCE_SECONDS } from './verify-webhook.js';
export { isTransientStripeError, toAppError as stripeErrorToAppError, type StripeFailureDetails } from './stripe-errors.js';
export { StripeRequestPolicy, type RequestPolicyOptions } from './request-policy.js';
