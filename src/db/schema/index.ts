export * from './ledger.js';
export * from './users.js';
export * from './payments.js';
export * from './operations.js';
export * from './payouts.js';
export * from './refunds.js';
export * from './alerts.js';
export * from './analytics.js';
