import type { FormParams, FormValue } from './form-body.js';
import { invalidRequest, parameterInvalid, parameterMissing } from './stripe-error.js';

/**
 * Readers for Stripe request parameters. Every form value arrives as a string; these turn
 * them into typed values or throw the 400 Stripe would send (`parameter_missing`,
 * `parameter_invalid_integer`, …). `name` may be a bracket path such as `transfer_data[destination]`
 * when `params` is the nested object — it is only used in messages.
 */

function valueOf(params: FormParams, name: string): FormValue | undefined {
  return params[name];
}

export function optionalString(params: FormParams, name: string, label = name): string | undefined {
  const value = valueOf(params, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw parameterInvalid(label, `Invalid string: ${label} must be a string`);
  return value;
}

export function requiredString(params: FormParams, name: string, label = name): string {
  const value = optionalString(params, name, label);
  if (value === undefined || value === '') throw parameterMissing(label);
  return value;
}

/** An empty string means "unset" (Stripe's convention for clearing a field). */
export function optionalNullableString(params: FormParams, name: string, label = name): string | null | undefined {
  const value = optionalString(params, name, label);
  return value === '' ? null : value;
}

export function optionalInteger(params: FormParams, name: string, options: { min?: number; label?: string } = {}): number | undefined {
  const label = options.label ?? name;
  const raw = valueOf(params, name);
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw.trim())) {
    throw parameterInvalid(label, `Invalid integer: ${typeof raw === 'string' ? raw : JSON.stringify(raw)}`, 'parameter_invalid_integer');
  }
  const value = Number(raw.trim());
  if (!Number.isSafeInteger(value)) throw parameterInvalid(label, `Invalid integer: ${raw}`, 'parameter_invalid_integer');
  if (options.min !== undefined && value < options.min) {
    throw parameterInvalid(label, `This value must be greater than or equal to ${options.min}.`, 'parameter_invalid_integer');
  }
  return value;
}

export function requiredInteger(params: FormParams, name: string, options: { min?: number; label?: string } = {}): number {
  const value = optionalInteger(params, name, options);
  if (value === undefined) throw parameterMissing(options.label ?? name);
  return value;
}

export function optionalBoolean(params: FormParams, name: string, label = name): boolean | undefined {
  const raw = valueOf(params, name);
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw parameterInvalid(label, `Invalid boolean: ${typeof raw === 'string' ? raw : JSON.stringify(raw)}`, 'parameter_invalid_boolean');
}

export function optionalEnum<T extends string>(params: FormParams, name: string, values: readonly T[], label = name): T | undefined {
  const value = optionalString(params, name, label);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) {
    throw invalidRequest(`Invalid ${label}: must be one of ${values.join(', ')}`, { param: label });
  }
  return value as T;
}

export function optionalObject(params: FormParams, name: string, label = name): FormParams | undefined {
  const value = valueOf(params, name);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidRequest(`Invalid object`, { param: label, code: 'parameter_invalid_string' });
  }
  return value;
}

/** Arrays arrive as `a[]=x` (array) or `a[0]=x` (qs may give an object with numeric keys). */
export function optionalArray(params: FormParams, name: string, label = name): FormValue[] | undefined {
  const value = valueOf(params, name);
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return value;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.every((key) => /^\d+$/.test(key))) {
      return keys.sort((a, b) => Number(a) - Number(b)).map((key) => value[key] as FormValue);
    }
  }
  if (typeof value === 'string') return [value];
  throw invalidRequest(`Invalid array`, { param: label });
}

export function optionalStringArray(params: FormParams, name: string, label = name): string[] | undefined {
  const items = optionalArray(params, name, label);
  if (items === undefined) return undefined;
  return items.map((item, index) => {
    if (typeof item !== 'string') throw invalidRequest(`Invalid string: ${label}[${index}]`, { param: `${label}[${index}]` });
    return item;
  });
}

/** Lower-cased three-letter currency code, as Stripe stores it. */
export function requiredCurrency(params: FormParams, name = 'currency'): string {
  const value = requiredString(params, name).toLowerCase();
  if (!/^[a-z]{3}$/.test(value)) throw invalidRequest(`Invalid currency: ${value}.`, { param: name });
  return value;
}

export function optionalCurrency(params: FormParams, name = 'currency'): string | undefined {
  return params[name] === undefined ? undefined : requiredCurrency(params, name);
}

/**
 * Applies a `metadata` parameter to existing metadata with Stripe's rules: a key set to `''`
 * is removed, `metadata=''` clears everything; at most 50 keys, keys ≤ 40 and values ≤ 500
 * characters.
 */
export function applyMetadata(params: FormParams, existing: Record<string, string> = {}): Record<string, string> {
  const raw = params.metadata;
  if (raw === undefined) return existing;
  if (raw === '') return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidRequest('Invalid object', { param: 'metadata' });
  const next = { ...existing };
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string') throw invalidRequest(`Invalid value for metadata[${key}]: must be a string`, { param: `metadata[${key}]` });
    if (key.length > 40) throw invalidRequest('Metadata keys can be at most 40 characters long.', { param: `metadata[${key}]` });
    if (value.length > 500) throw invalidRequest('Metadata values can have up to 500 characters.', { param: `metadata[${key}]` });
    if (value === '') delete next[key];
    else next[key] = value;
  }
  if (Object.keys(next).length > 50) throw invalidRequest('Metadata can have up to 50 keys.', { param: 'metadata' });
  return next;
}

/** A Stripe address hash (`address[city]=…`) as the object Stripe returns, every field present. */
export function addressFrom(address: FormParams): Record<string, string | null> {
  return Object.fromEntries(['city', 'country', 'line1', 'line2', 'postal_code', 'state'].map((field) => [field, optionalString(address, field) ?? null]));
}
