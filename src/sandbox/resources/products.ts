import { unixSeconds } from '../clock.js';
import type { SandboxContext } from '../context.js';
import { generateId } from '../ids.js';
import type { StripeRouter } from '../router.js';
import type { StripeObject } from '../state.js';
import type { FormParams } from '../wire/form-body.js';
import { paginate } from '../wire/list.js';
import { applyMetadata, optionalBoolean, optionalInteger, optionalObject, optionalString, requiredCurrency, requiredString } from '../wire/params.js';
import { invalidRequest } from '../wire/stripe-error.js';

export interface ProductObject extends StripeObject {
  object: 'product';
  name: string;
}

export interface PriceObject extends StripeObject {
  object: 'price';
  currency: string;
  product: string;
  unit_amount: number | null;
}

/**
 * Products and one-time prices — just enough catalog for Checkout line items (the Stripe CLI's
 * `checkout.session.completed` fixture creates both). Recurring prices are refused.
 */
export function createProduct(sandbox: SandboxContext, account: string, params: FormParams): ProductObject {
  const now = unixSeconds(sandbox.clock);
  const product: ProductObject = {
    id: optionalString(params, 'id') ?? generateId('prod', 14),
    object: 'product',
    active: optionalBoolean(params, 'active') ?? true,
    created: now,
    default_price: null,
    description: optionalString(params, 'description') ?? null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: applyMetadata(params),
    name: requiredString(params, 'name'),
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    unit_label: null,
    updated: now,
    url: null,
  };
  return sandbox.store.insert(account, product);
}

export function createPrice(sandbox: SandboxContext, account: string, params: FormParams): PriceObject {
  if (params.recurring !== undefined) throw invalidRequest('The sandbox only models one-time prices.', { param: 'recurring' });
  const productData = optionalObject(params, 'product_data');
  const productId = productData ? createProduct(sandbox, account, productData).id : requiredString(params, 'product');
  sandbox.store.get<ProductObject>('product', productId, account, { param: 'product' });
  const unitAmount = optionalInteger(params, 'unit_amount', { min: 0 });
  if (unitAmount === undefined) throw invalidRequest('Missing required param: unit_amount.', { code: 'parameter_missing', param: 'unit_amount' });
  const price: PriceObject = {
    id: generateId('price'),
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: unixSeconds(sandbox.clock),
    currency: requiredCurrency(params),
    custom_unit_amount: null,
    livemode: false,
    lookup_key: optionalString(params, 'lookup_key') ?? null,
    metadata: applyMetadata(params),
    nickname: optionalString(params, 'nickname') ?? null,
    product: productId,
    recurring: null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: String(unitAmount),
  };
  return sandbox.store.insert(account, price);
}

export function registerProductRoutes(router: StripeRouter): void {
  router.post('/v1/products', ({ sandbox, params, account }) => createProduct(sandbox, account, params));
  router.get('/v1/products', ({ sandbox, params, account }) => paginate(sandbox.store.list('product', account), params, '/v1/products'));
  router.get('/v1/products/:id', ({ sandbox, path, account }) => sandbox.store.get('product', path.id ?? '', account));
  router.post('/v1/prices', ({ sandbox, params, account }) => createPrice(sandbox, account, params));
  router.get('/v1/prices', ({ sandbox, params, account }) => paginate(sandbox.store.list('price', account), params, '/v1/prices'));
  router.get('/v1/prices/:id', ({ sandbox, path, account }) => sandbox.store.get('price', path.id ?? '', account));
}
