import qs from 'qs';
import type { FastifyInstance } from 'fastify';

/** A decoded form value: Stripe's bracket notation nests strings into arrays and objects. */
export type FormValue = string | FormValue[] | FormParams;
export interface FormParams {
  [key: string]: FormValue | undefined;
}

const QS_OPTIONS: qs.IParseOptions = { depth: 10, arrayLimit: 1000, parameterLimit: 10_000, allowPrototypes: false };

/**
 * Decodes a form-encoded body or query string the way Stripe does:
 * `metadata[order]=42`, `expand[]=a&expand[]=b` and `expand[0]=a` all work.
 *
 * @example
 * parseStripeForm('amount=100&metadata[k]=v&expand[]=x'); // { amount: '100', metadata: { k: 'v' }, expand: ['x'] }
 */
export function parseStripeForm(text: string): FormParams {
  return qs.parse(text, QS_OPTIONS) as FormParams;
}

/** Makes Fastify decode `application/x-www-form-urlencoded` bodies with {@link parseStripeForm}. */
export function registerFormBodyParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseStripeForm(typeof body === 'string' ? body : body.toString('utf8')));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
