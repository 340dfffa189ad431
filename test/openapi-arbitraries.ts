import fc from 'fast-check';

/**
 * fast-check arbitraries from the service's own OpenAPI document (the JSON Schemas
 * `@fastify/swagger` derives from the routes' zod schemas), for fuzz tests that walk every
 * route: `operationsOf(doc)` lists the operations with their path, query and body schemas;
 * `valueOf(schema)` generates mostly-valid values, so requests get past validation and reach
 * handlers; `hostileTexts` and `wildValues` are what a fuzz test puts into them.
 */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  default?: unknown;
}

interface OpenApiParameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As the document names it: `/api/payouts/{id}`. */
  path: string;
  pathParams: Array<{ name: string; schema: JsonSchema }>;
  query: Array<{ name: string; required: boolean; schema: JsonSchema }>;
  /** The JSON body's schema; undefined when the route takes none. */
  body: JsonSchema | undefined;
  /** Whether a header names a raw, signed body (the Stripe webhooks). */
  signed: boolean;
}

/** Every operation of the document, in its order. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]): Operation => {
      const parameters = operation.parameters ?? [];
      return {
        method: method.toUpperCase() as Operation['method'],
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: p.required === true, schema: p.schema ?? {} })),
        body: operation.requestBody?.content?.['application/json']?.schema,
        signed: parameters.some((p) => p.in === 'header' && p.name === 'stripe-signature'),
      };
    }),
  );
}

/** Known values that let a generated request reach real rows: ids of the test's fixtures, by the field names that carry them. */
export type KnownValues = Record<string, readonly string[]>;

const knownFormats: Record<string, fc.Arbitrary<string>> = {
  email: fc.constantFrom('ana@example.test', 'Ben.Doe+tag@example.test', 'ünïcode@example.test'),
  uri: fc.constantFrom('https://host.example/ok', 'https://host.example/cancel?session={CHECKOUT_SESSION_ID}', 'http://127.0.0.1:9/x'),
  'date-time': fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  date: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
};

const knownPatterns: Record<string, fc.Arbitrary<string>> = {
  '^[A-Za-z]{3}$': fc.constantFrom('eur', 'usd', 'jpy', 'EUR', 'bhd'),
  '^[a-zA-Z]{3}$': fc.constantFrom('eur', 'usd', 'jpy', 'EUR', 'bhd'),
  '^[A-Za-z]{2}$': fc.constantFrom('FR', 'de', 'US'),
  '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$': fc.constantFrom('en', 'fr', 'fr-FR'),
  '^acct_[A-Za-z0-9]{1,64}$': fc.constantFrom('acct_unknown123', 'acct_1'),
};

/** Text of every kind PostgreSQL stores: letters, digits, punctuation, non-ASCII, emoji. */
const ordinaryText = (maxLength: number) =>
  fc.oneof(
    fc.string({ minLength: 1, maxLength: Math.max(1, Math.min(maxLength, 30)) }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.max(1, Math.min(maxLength, 12)) }),
  );

/**
 * A value the schema (mostly) accepts: enums, formats and known patterns are honoured, lengths
 * and ranges respected; fields named in `known` draw from those values half of the time.
 */
export function valueOf(schema: JsonSchema, known: KnownValues = {}, name = '', depth = 0): fc.Arbitrary<unknown> {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants && variants.length > 0) return fc.oneof(...variants.map((variant) => valueOf(variant, known, name, depth)));
  if (schema.allOf && schema.allOf.length > 0) return valueOf(Object.assign({}, ...schema.allOf) as JsonSchema, known, name, depth);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ['string'];
  return fc.oneof(...types.map((type) => valueOfType(type, schema, known, name, depth)));
}

function valueOfType(type: string, schema: JsonSchema, known: KnownValues, name: string, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string': {
      const formatted = (schema.format && knownFormats[schema.format]) ?? (schema.pattern && knownPatterns[schema.pattern]);
      if (formatted) return formatted;
      const text = ordinaryText(schema.maxLength ?? 40);
      const values = known[name];
      return values && values.length > 0 ? fc.oneof(fc.constantFrom(...values), text) : text;
    }
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
      const max = Math.min(schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1_000_000), Number.MAX_SAFE_INTEGER);
      const bounded = fc.integer({ min: Math.ceil(min), max: Math.max(Math.ceil(min), Math.floor(Math.min(max, Math.ceil(min) + 1_000_000))) });
      return fc.oneof({ weight: 4, arbitrary: bounded }, { weight: 1, arbitrary: fc.constantFrom(Math.ceil(min), Math.floor(max)) });
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (depth > 4) return fc.constant([]);
      const minLength = schema.minItems ?? 0;
      return fc.array(valueOf(schema.items ?? {}, known, name, depth + 1), { minLength, maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 3, 3)) });
    }
    case 'object': {
      if (depth > 4) return fc.constant({});
      const properties = schema.properties ?? {};
      if (Object.keys(properties).length === 0 && typeof schema.additionalProperties === 'object') {
        return fc.dictionary(valueOf(schema.propertyNames ?? { type: 'string', maxLength: 20 }, known, '', depth + 1) as fc.Arbitrary<string>, valueOf(schema.additionalProperties, known, '', depth + 1), { maxKeys: 3 });
      }
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, property] of Object.entries(properties)) record[key] = valueOf(property, known, key, depth + 1);
      return fc.record(record, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) });
    }
    default:
      return fc.anything({ maxDepth: 2 });
  }
}

/** The characters PostgreSQL cannot store (docs/security.md "Text"). */
export const unstorableCharacters = ['\u0000', '\ud800', '\udbff', '\udc00', '\udfff'] as const;

/**
 * Strings holding at least one character PostgreSQL cannot store, amid ordinary text.
 * `urlSafe`: only NUL, the one of them a URL can carry (`%00`); UTF-8 cannot encode a lone surrogate.
 */
export function hostileTexts(options: { urlSafe?: boolean } = {}): fc.Arbitrary<string> {
  const bad = options.urlSafe ? fc.constant('\u0000') : fc.constantFrom(...unstorableCharacters, '\ud83d\u0000', '\ude00\ud83d');
  return fc.tuple(fc.string({ maxLength: 8 }), bad, fc.string({ maxLength: 8 })).map(([before, character, after]) => `${before}${character}${after}`);
}

/**
 * Values that are storable text but otherwise hostile: beyond every bound, of the wrong type,
 * empty, huge, deeply nested, or text that means something to SQL, paths, HTML or terminals.
 */
export const wildValues: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    9_007_199_254_740_991, 9_007_199_254_740_992, 1e300, -1, 0, 0.5, -0, 1_000_000_000_000_000, 999_999_999_999_999,
    '', ' ', '0', '-1', '1e3', 'NaN', 'null', 'x'.repeat(5000), '😀', '\u202eevil', 'ﷺ', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǵ̗̞̅ͦo̷̲͚', '%00', '../../etc/passwd',
    "' or 1=1 --", '"; filename="x', '<script>alert(1)</script>', '\r\nX-Injected: 1', '${7*7}', 'po_', 'cr_', 'pay_',
    null, true, false, [], {}, [[[[[[[[]]]]]]]], JSON.parse('{"__proto__": {"polluted": true}}') as unknown, { constructor: { prototype: { x: 1 } } },
  ),
  fc.anything({ maxDepth: 3, withNullPrototype: true }),
);
