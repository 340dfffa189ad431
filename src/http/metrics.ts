import type { FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface HttpMetrics {
  /** This app's registry (never prom-client's global one, so several apps can live in one process). */
  readonly registry: Registry;
  readonly requestDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** An `onResponse` hook that records one observation per request. */
  observe(request: FastifyRequest, reply: FastifyReply): void;
}

/** Label for requests that matched no route: keeps the label set bounded whatever paths are probed. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * Prometheus metrics of one app: Node's default process metrics plus
 * `http_request_duration_seconds{method, route, status_code}`, labelled by route pattern
 * (`/api/payouts/:id`), never by raw URL.
 */
export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests in seconds, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    requestDuration,
    observe(request, reply) {
      requestDuration.observe(
        { method: request.method, route: request.routeOptions.url ?? UNMATCHED_ROUTE, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    },
  };
}
