import { currencyExponent } from '../../domain/money/currency.js';
import { formatMoney as formatDomainMoney } from '../../domain/money/format-money.js';
import { money } from '../../domain/money/money.js';
import { parseAmount } from '../../domain/money/parse-amount.js';

/**
 * Every amount on a page goes through here: minor units + currency in, the user's locale out
 * (`€1,234.56` in en, `1 234,56 €` in fr). Exact for any size: the domain formatter hands
 * Intl.NumberFormat a decimal string, never a float.
 */
export function formatMoney(amountMinor: number | bigint, currency: string, locale: string): string {
  return formatDomainMoney(money(BigInt(amountMinor), currency), locale);
}

/** The amount as a person would type it back in their locale ("126,00" in fr, "126.00" in en), without symbol or grouping. */
export function formatAmountForInput(amountMinor: number | bigint, currency: string, locale: string): string {
  const exponent = currencyExponent(currency);
  const minor = BigInt(amountMinor);
  const digits = (minor < 0n ? -minor : minor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${minor < 0n ? '-' : ''}${whole}${exponent > 0 ? `${decimalSeparator(locale)}${fraction}` : ''}`;
}

export type AmountParseResult = { ok: true; amountMinor: number } | { ok: false; code: string };

/**
 * Read an amount typed in MAJOR units in the user's locale into exact minor units, through the
 * domain's own parser (digits only, never a float). The locale's decimal separator is accepted
 * ("12,50" in fr), and so is "." everywhere; grouping ("1 234,56", "1,234.56") only in groups
 * of three, so that "12,50" in English is refused rather than read as 1250.
 */
export function parseTypedAmount(input: string, currency: string, locale: string): AmountParseResult {
  const text = input.replace(/[\s\u00a0\u202f]/g, '');
  const decimal = decimalSeparator(locale);
  const group = decimal === ',' ? '.' : ',';
  let canonical = text;
  if (decimal === ',' && text.includes(',')) {
    canonical = stripGrouping(text, '.', ',')?.replace(',', '.') ?? '';
  } else if (text.includes(group)) {
    canonical = stripGrouping(text, group, '.') ?? '';
  }
  if (text !== '' && canonical === '') {
    // "20,50" where the decimal separator is a point: say which separator, not just "digits".
    const otherDecimal = decimal === '.' && /^\d+,\d{1,2}$/.test(text);
    return { ok: false, code: otherDecimal ? 'AMOUNT_DECIMAL_POINT' : 'AMOUNT_NOT_A_NUMBER' };
  }
  try {
    const parsed = parseAmount(canonical, currency);
    if (parsed.amountMinor > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, code: 'AMOUNT_TOO_LARGE' };
    return { ok: true, amountMinor: Number(parsed.amountMinor) };
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'AMOUNT_NOT_A_NUMBER';
    return { ok: false, code };
  }
}

/** `1.234.567,89` → `1234567,89` when every group has three digits; `undefined` when grouping is misplaced. */
function stripGrouping(text: string, group: string, decimal: string): string | undefined {
  const [whole = '', ...rest] = text.split(decimal);
  if (!whole.includes(group)) return text;
  const escaped = group === '.' ? '\\.' : group;
  if (!new RegExp(`^\\d{1,3}(${escaped}\\d{3})+$`).test(whole)) return undefined;
  return [whole.split(group).join(''), ...rest].join(decimal);
}

function decimalSeparator(locale: string): string {
  return new Intl.NumberFormat(locale).formatToParts(1.5).find((part) => part.type === 'decimal')?.value ?? '.';
}
