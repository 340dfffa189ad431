import { unixSeconds } from '../clock.js';
import type { SandboxContext } from '../context.js';
import { emitEvent } from '../event-log.js';
import { generateId } from '../ids.js';
import type { StripeRouter } from '../router.js';
import { changedFields, type StripeObject } from '../state.js';
import type { FormParams } from '../wire/form-body.js';
import { filterByCreated, paginate } from '../wire/list.js';
import {
  applyMetadata,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalNullableString,
  optionalObject,
  optionalString,
} from '../wire/params.js';
import { invalidRequest } from '../wire/stripe-error.js';

export type AccountType = 'express' | 'custom' | 'standard';

export interface BankAccountObject extends StripeObject {
  object: 'bank_account';
  account: string;
  country: string;
  currency: string;
  last4: string;
  routing_number: string;
  status: string;
}

export interface AccountObject extends StripeObject {
  object: 'account';
  type: AccountType;
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  capabilities: Record<string, 'active' | 'inactive' | 'pending'>;
  metadata: Record<string, string>;
  requirements: Record<string, unknown>;
  settings: { payouts: { debit_negative_balances: boolean; schedule: { delay_days: number; interval: string; weekly_anchor?: string; monthly_anchor?: number }; statement_descriptor: string | null } } & Record<string, unknown>;
}

/** Stripe's test bank account numbers (routing 110000000) and the payout outcome they force. */
export const TEST_BANK_ACCOUNT_FAILURES: Record<string, { code: string; message: string }> = {
  '000111111116': { code: 'no_account', message: 'The bank account details on file are probably incorrect. No bank account could be located with those details.' },
  '000111111113': { code: 'account_closed', message: 'The bank account has been closed.' },
  '000222222227': { code: 'insufficient_funds', message: 'The bank account has insufficient funds to cover the debit.' },
  '000333333335': { code: 'debit_not_authorized', message: 'Debit transactions are not approved on the bank account.' },
  '000444444440': { code: 'invalid_currency', message: 'The bank was unable to process this payout because of its currency.' },
};
const DEFAULT_ACCOUNT_NUMBER = '000123456789';

const ONBOARDING_REQUIREMENTS = [
  'business_profile.url',
  'business_type',
  'external_account',
  'representative.first_name',
  'representative.last_name',
  'tos_acceptance.date',
  'tos_acceptance.ip',
];

/**
 * Creates a connected account of the platform. Express and Custom accounts start
 * un-onboarded (`charges_enabled`/`payouts_enabled` false, requirements due, capabilities
 * `inactive`) until their account link is followed or `/_sandbox/accounts/:id/onboard` is called.
 */
export function createConnectedAccount(sandbox: SandboxContext, params: FormParams): AccountObject {
  const type = optionalEnum(params, 'type', ['express', 'custom', 'standard'] as const) ?? typeFromController(params);
  const id = generateId('acct', 16);
  const country = (optionalString(params, 'country') ?? sandbox.settings.defaultCountry).toUpperCase();
  const requested = requestedCapabilities(params);
  const needsOnboarding = type !== 'standard';
  const account: AccountObject = {
    id,
    object: 'account',
    business_profile: { mcc: null, name: null, product_description: null, support_email: null, support_phone: null, support_url: null, url: null, ...stringFields(optionalObject(params, 'business_profile')) },
    business_type: optionalString(params, 'business_type') ?? null,
    capabilities: Object.fromEntries(requested.map((name) => [name, needsOnboarding ? 'inactive' : 'active'])),
    charges_enabled: false,
    controller: { type: 'application', is_controller: true },
    country,
    created: unixSeconds(sandbox.clock),
    default_currency: sandbox.settings.defaultCurrency,
    details_submitted: false,
    email: optionalString(params, 'email') ?? null,
    external_accounts: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/accounts/${id}/external_accounts` },
    future_requirements: emptyRequirements([]),
    metadata: applyMetadata(params),
    payouts_enabled: false,
    requirements: needsOnboarding ? emptyRequirements(ONBOARDING_REQUIREMENTS) : emptyRequirements([]),
    settings: {
      ...baseSettings(null),
      payouts: { debit_negative_balances: true, schedule: { delay_days: 2, interval: 'daily' }, statement_descriptor: null },
    },
    tos_acceptance: { date: null },
    type,
  };
  applyPayoutSchedule(account, params);
  sandbox.store.insert(sandbox.platformAccountId, account);
  attachBankAccount(sandbox, account, bankDetails(params));
  return account;
}

/** Marks an account as fully onboarded, as finishing Stripe's hosted onboarding does. */
export function completeOnboarding(sandbox: SandboxContext, account: AccountObject): AccountObject {
  const previous = { charges_enabled: account.charges_enabled, payouts_enabled: account.payouts_enabled, details_submitted: account.details_submitted, requirements: account.requirements, capabilities: account.capabilities };
  account.details_submitted = true;
  account.charges_enabled = true;
  account.payouts_enabled = true;
  account.requirements = emptyRequirements([]);
  account.capabilities = Object.fromEntries(Object.keys(account.capabilities).map((name) => [name, 'active' as const]));
  if (account.business_type === null) account.business_type = 'individual';
  account.tos_acceptance = { date: unixSeconds(sandbox.clock), ip: '127.0.0.1', user_agent: null };
  emitEvent(sandbox, { type: 'account.updated', account: account.id, object: account, previousAttributes: previous });
  return account;
}

/** The `account_number` a bank account was created with (Stripe never returns it). */
export function bankAccountNumber(sandbox: SandboxContext, bankAccountId: string): string {
  const number = sandbox.store.includableFields(bankAccountId).account_number;
  return typeof number === 'string' ? number : DEFAULT_ACCOUNT_NUMBER;
}

/** The default bank account of an account, where payouts go. */
export function defaultBankAccount(sandbox: SandboxContext, accountId: string): BankAccountObject | undefined {
  return sandbox.store.list<BankAccountObject>('bank_account', accountId).find((bank) => bank.default_for_currency === true);
}

export function registerAccountRoutes(router: StripeRouter): void {
  router.post('/v1/accounts', ({ sandbox, params, isPlatform }) => {
    if (!isPlatform) throw invalidRequest('Only platforms can create connected accounts.', { statusCode: 400 });
    const account = createConnectedAccount(sandbox, params);
    return account;
  });
  router.get('/v1/accounts', ({ sandbox, params, isPlatform }) => {
    const accounts = isPlatform ? sandbox.store.list<AccountObject>('account', sandbox.platformAccountId).filter((a) => a.id !== sandbox.platformAccountId) : [];
    return paginate(filterByCreated(accounts, params), params, '/v1/accounts');
  });
  router.get('/v1/account', ({ sandbox, account }) => sandbox.store.get<AccountObject>('account', account, null));
  router.get('/v1/accounts/:id', ({ sandbox, path, account }) => findVisibleAccount(sandbox, path.id ?? '', account));
  router.post('/v1/accounts/:id', ({ sandbox, path, params, account }) => updateAccount(sandbox, findVisibleAccount(sandbox, path.id ?? '', account), params));
  router.post('/v1/account', ({ sandbox, params, account }) => updateAccount(sandbox, sandbox.store.get<AccountObject>('account', account, null), params));
  router.delete('/v1/accounts/:id', ({ sandbox, path, isPlatform }) => {
    const target = sandbox.store.get<AccountObject>('account', path.id ?? '', sandbox.platformAccountId, { label: 'account', param: 'account' });
    if (!isPlatform || target.id === sandbox.platformAccountId) throw invalidRequest('You cannot delete your own account.');
    sandbox.store.delete(target.id);
    return { id: target.id, object: 'account', deleted: true };
  });
  router.get('/v1/accounts/:id/external_accounts', ({ sandbox, path, params, account }) => {
    const target = findVisibleAccount(sandbox, path.id ?? '', account);
    return paginate(sandbox.store.list<BankAccountObject>('bank_account', target.id), params, `/v1/accounts/${target.id}/external_accounts`);
  });
  router.post('/v1/accounts/:id/login_links', ({ sandbox, path }) => {
    const target = sandbox.store.get<AccountObject>('account', path.id ?? '', sandbox.platformAccountId, { label: 'account', param: 'account' });
    if (target.type !== 'express') throw invalidRequest('Login links can only be created for Express accounts.', { param: 'account' });
    return { object: 'login_link', created: unixSeconds(sandbox.clock), url: `${sandbox.baseUrl}/_sandbox/express/${target.id}` };
  });
}

function findVisibleAccount(sandbox: SandboxContext, id: string, requester: string): AccountObject {
  // The platform sees its connected accounts; a connected account sees only itself.
  if (requester !== sandbox.platformAccountId && id !== requester) {
    return sandbox.store.get<AccountObject>('account', id, requester, { label: 'account', param: 'account' });
  }
  return sandbox.store.get<AccountObject>('account', id, sandbox.platformAccountId, { label: 'account', param: 'account' });
}

function updateAccount(sandbox: SandboxContext, account: AccountObject, params: FormParams): AccountObject {
  const before = structuredClone(account);
  account.metadata = applyMetadata(params, account.metadata);
  const email = optionalNullableString(params, 'email');
  if (email !== undefined) account.email = email;
  const businessType = optionalNullableString(params, 'business_type');
  if (businessType !== undefined) account.business_type = businessType;
  const businessProfile = optionalObject(params, 'business_profile');
  if (businessProfile) account.business_profile = { ...(account.business_profile as object), ...stringFields(businessProfile) };
  for (const name of requestedCapabilities(params)) account.capabilities[name] ??= account.details_submitted || account.type === 'standard' ? 'active' : 'inactive';
  applyPayoutSchedule(account, params);
  if (params.external_account !== undefined) attachBankAccount(sandbox, account, bankDetails(params));
  const tos = optionalObject(params, 'tos_acceptance');
  if (tos) account.tos_acceptance = { date: optionalInteger(tos, 'date', { label: 'tos_acceptance[date]' }) ?? null, ip: optionalString(tos, 'ip') ?? null, user_agent: null };
  const previous = changedFields(before, account);
  if (Object.keys(previous).length > 0) emitEvent(sandbox, { type: 'account.updated', account: account.id, object: account, previousAttributes: previous });
  return account;
}

function applyPayoutSchedule(account: AccountObject, params: FormParams): void {
  const schedule = optionalObject(optionalObject(optionalObject(params, 'settings') ?? {}, 'payouts') ?? {}, 'schedule');
  if (!schedule) return;
  const current = account.settings.payouts.schedule;
  const interval = optionalEnum(schedule, 'interval', ['manual', 'daily', 'weekly', 'monthly'] as const, 'settings[payouts][schedule][interval]');
  const delayDays = schedule.delay_days === 'minimum' ? 2 : optionalInteger(schedule, 'delay_days', { min: 0, label: 'settings[payouts][schedule][delay_days]' });
  account.settings.payouts.schedule = {
    ...current,
    ...(interval ? { interval } : {}),
    ...(delayDays !== undefined ? { delay_days: delayDays } : {}),
    ...(optionalString(schedule, 'weekly_anchor') ? { weekly_anchor: optionalString(schedule, 'weekly_anchor') } : {}),
  };
  const debitNegative = optionalBoolean(optionalObject(optionalObject(params, 'settings') ?? {}, 'payouts') ?? {}, 'debit_negative_balances');
  if (debitNegative !== undefined) account.settings.payouts.debit_negative_balances = debitNegative;
}

/** Replaces the account's bank account (every account gets Stripe's succeeding test account by default). */
function attachBankAccount(sandbox: SandboxContext, account: AccountObject, details: FormParams | undefined): void {
  const accountNumber = (details && optionalString(details, 'account_number', 'external_account[account_number]')) || DEFAULT_ACCOUNT_NUMBER;
  for (const existing of sandbox.store.list<BankAccountObject>('bank_account', account.id)) sandbox.store.delete(existing.id);
  const bank: BankAccountObject = {
    id: generateId('ba'),
    object: 'bank_account',
    account: account.id,
    account_holder_name: (details && optionalString(details, 'account_holder_name')) ?? null,
    account_holder_type: (details && optionalString(details, 'account_holder_type')) ?? null,
    account_type: null,
    available_payout_methods: ['standard'],
    bank_name: 'STRIPE TEST BANK',
    country: ((details && optionalString(details, 'country')) ?? account.country ?? 'US') as string,
    currency: ((details && optionalString(details, 'currency')) ?? String(account.default_currency)).toLowerCase(),
    default_for_currency: true,
    fingerprint: generateId('fp', 16).slice(3),
    last4: accountNumber.slice(-4),
    metadata: {},
    routing_number: (details && optionalString(details, 'routing_number')) ?? '110000000',
    status: 'new',
  };
  sandbox.store.insert(account.id, bank, { account_number: accountNumber });
  account.external_accounts = { object: 'list', data: [bank], has_more: false, total_count: 1, url: `/v1/accounts/${account.id}/external_accounts` };
}

/** Accounts created with `controller` instead of `type` (newer API style). */
function typeFromController(params: FormParams): AccountType {
  const dashboard = optionalObject(optionalObject(params, 'controller') ?? {}, 'stripe_dashboard');
  const dashboardType = dashboard ? optionalString(dashboard, 'type', 'controller[stripe_dashboard][type]') : undefined;
  return dashboardType === 'express' ? 'express' : dashboardType === 'none' ? 'custom' : 'standard';
}

/** `external_account` as bank details, or a token (`btok_…`: Stripe's succeeding test account). */
function bankDetails(params: FormParams): FormParams | undefined {
  return typeof params.external_account === 'string' ? undefined : optionalObject(params, 'external_account');
}

function requestedCapabilities(params: FormParams): string[] {
  const capabilities = optionalObject(params, 'capabilities') ?? {};
  return Object.entries(capabilities)
    .filter(([, value]) => typeof value === 'object' && value !== null && !Array.isArray(value) && (value as FormParams).requested === 'true')
    .map(([name]) => name);
}

function emptyRequirements(currentlyDue: string[]): Record<string, unknown> {
  return {
    alternatives: [],
    current_deadline: null,
    currently_due: currentlyDue,
    disabled_reason: currentlyDue.length > 0 ? 'requirements.past_due' : null,
    errors: [],
    eventually_due: currentlyDue,
    past_due: currentlyDue,
    pending_verification: [],
  };
}

function baseSettings(displayName: string | null): Record<string, unknown> {
  return {
    branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
    card_payments: { decline_on: { avs_failure: false, cvc_failure: false }, statement_descriptor_prefix: null, statement_descriptor_prefix_kana: null, statement_descriptor_prefix_kanji: null },
    dashboard: { display_name: displayName, timezone: 'Etc/UTC' },
    payments: { statement_descriptor: null, statement_descriptor_kana: null, statement_descriptor_kanji: null },
  };
}

function stringFields(params: FormParams | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(params ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** The platform's own account, created with the sandbox. */
export function createPlatformAccount(sandbox: SandboxContext): AccountObject {
  const id = generateId('acct', 16);
  const account: AccountObject = {
    id,
    object: 'account',
    business_profile: { name: 'Sandbox Platform', url: null },
    business_type: 'company',
    capabilities: { card_payments: 'active', transfers: 'active' },
    charges_enabled: true,
    country: sandbox.settings.defaultCountry,
    created: unixSeconds(sandbox.clock),
    default_currency: sandbox.settings.defaultCurrency,
    details_submitted: true,
    email: 'platform@sandbox.local',
    external_accounts: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/accounts/${id}/external_accounts` },
    metadata: {},
    payouts_enabled: true,
    requirements: emptyRequirements([]),
    settings: { ...baseSettings('Sandbox Platform'), payouts: { debit_negative_balances: true, schedule: { delay_days: 2, interval: 'manual' }, statement_descriptor: null } },
    tos_acceptance: { date: unixSeconds(sandbox.clock) },
    type: 'standard',
  };
  sandbox.platformAccountId = id;
  sandbox.store.insert(id, account);
  attachBankAccount(sandbox, account, undefined);
  return account;
}
