/** Characters kept as they are in the quoted ASCII `filename`: anything else becomes `_`. */
const FALLBACK_UNSAFE = /[^A-Za-z0-9._-]/g;

/** RFC 5987 `attr-char` beyond what `encodeURIComponent` leaves alone: these must be escaped too. */
const RFC5987_EXTRA = /['()*]/g;

/** Unpaired UTF-16 surrogates (`encodeURIComponent` throws on them); replaced by U+FFFD first. */
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A `Content-Disposition: attachment` header value for a download whose name may hold anything
 * a caller sent (RFC 6266 §4.3): a quoted `filename` reduced to `[A-Za-z0-9._-]` for old clients,
 * and `filename*` with the exact name percent-encoded in UTF-8 (RFC 5987), which current
 * browsers prefer. A `"`, `;`, `\`, a control character or a non-Latin-1 character can therefore
 * neither add a parameter nor make Node refuse the header.
 *
 * @example
 * attachmentDisposition('payouts-cr_1.csv');        // attachment; filename="payouts-cr_1.csv"; filename*=UTF-8''payouts-cr_1.csv
 * attachmentDisposition('payouts-x"; a=b.csv');     // attachment; filename="payouts-x__a_b.csv"; filename*=UTF-8''payouts-x%22%3B%20a%3Db.csv
 */
export function attachmentDisposition(filename: string): string {
  const fallback = filename.replace(FALLBACK_UNSAFE, '_');
  const encoded = encodeURIComponent(filename.replace(LONE_SURROGATES, '\uFFFD')).replace(
    RFC5987_EXTRA,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
