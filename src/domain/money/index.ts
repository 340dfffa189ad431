export { currencyExponent, isKnownCurrency, knownCurrencyCodes, normalizeCurrency, type CurrencyCode } from './currency.js';
export { formatMoney, toDecimalString } from './format-money.js';
export {
  addMoney,
  compareMoney,
  isZero,
  MAX_AMOUNT_MINOR,
  money,
  negate,
  subtractMoney,
  type Money,
} from './money.js';
export { parseAmount } from './parse-amount.js';
