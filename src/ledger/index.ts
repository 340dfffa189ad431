export * from './accounts.js';
export { validateEntry, type LedgerEntryInput, type LedgerPostingInput } from './validate-entry.js';
export { post, type PostedEntry } from './post-entry.js';
export { postBatch } from './post-batch.js';
export { balance, balances } from './balance.js';
export { history, type LedgerHistoryLine, type LedgerHistoryPage } from './history.js';
export { verifyLedger, formatLedgerVerification, runChecks, formatChecks, type CheckDefinition, type LedgerVerification, type LedgerCheck } from './verify-ledger.js';
