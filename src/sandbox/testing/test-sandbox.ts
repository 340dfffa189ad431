import { startSandbox, type Sandbox, type StartSandboxOptions } from '../server.js';
import { createConformanceRecorder, type ConformanceViolation } from './openapi-conformance.js';

/** SDK options that point `new Stripe(key, options)` at a sandbox. */
export interface SandboxClientOptions {
  host: string;
  port: number;
  protocol: 'http';
  maxNetworkRetries: number;
}

export interface TestSandbox {
  sandbox: Sandbox;
  /** Options for `new Stripe('sk_test_…', clientOptions)`; retries off so errors surface. */
  clientOptions: SandboxClientOptions;
  /** OpenAPI violations of every `/v1` response so far. */
  violations(): ConformanceViolation[];
  /** Number of responses checked against the spec. */
  checkedResponses(): number;
  /** POST/GET a sandbox control endpoint (`/_sandbox/…`) with a JSON body. */
  control(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

/**
 * Starts a sandbox on a random port for one test file, recording OpenAPI conformance of
 * everything it answers. Webhook retries are fast (20 ms, doubling) so tests stay quick.
 *
 * @example
 * const t = await startTestSandbox();
 * const stripe = new Stripe('sk_test_123', t.clientOptions);
 * afterAll(async () => { expect(t.violations()).toEqual([]); await t.sandbox.close(); });
 */
export async function startTestSandbox(options: StartSandboxOptions = {}): Promise<TestSandbox> {
  const recorder = createConformanceRecorder();
  const sandbox = await startSandbox({
    port: 0,
    ...options,
    webhooks: { initialRetryDelayMs: 20, maxRetryDelayMs: 200, timeoutMs: 2000, ...options.webhooks },
    onResponse: (exchange) => {
      recorder.observe(exchange);
      options.onResponse?.(exchange);
    },
  });
  return {
    sandbox,
    clientOptions: { host: sandbox.host, port: sandbox.port, protocol: 'http', maxNetworkRetries: 0 },
    violations: () => recorder.violations,
    checkedResponses: () => recorder.checked,
    control: async (method, path, body) => {
      const response = await fetch(`${sandbox.url}${path}`, {
        method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // HTML pages stay text
      }
      return { status: response.status, body: parsed };
    },
  };
}
