import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ReceivedWebhook {
  /** The raw body, byte for byte — what the signature covers. */
  rawBody: string;
  headers: IncomingHttpHeaders;
  event: { id: string; type: string; account?: string; data: { object: Record<string, unknown> } };
}

/**
 * A local HTTP endpoint that records webhook deliveries. `respondWith` decides the status of
 * each delivery (default 200), e.g. to fail the first attempts and test retries.
 */
export async function startWebhookReceiver(respondWith: (delivery: ReceivedWebhook, index: number) => number = () => 200): Promise<{
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}> {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const delivery: ReceivedWebhook = { rawBody, headers: request.headers, event: JSON.parse(rawBody) as ReceivedWebhook['event'] };
      const index = received.push(delivery) - 1;
      response.statusCode = respondWith(delivery, index);
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
