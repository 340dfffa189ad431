import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';
import { SessionMultiplexer } from './session-multiplexer.js';

export interface EmbeddedServer {
  readonly host: string;
  readonly port: number;
  readonly connectionString: string;
  stop(): Promise<void>;
}

/**
 * Serve a PGlite instance on a loopback TCP port so the ordinary `pg` pool (and any Postgres
 * client: psql, pg-boss, the CLI of a second process) talks to it exactly as to PostgreSQL.
 */
export async function startEmbeddedServer(db: PGlite, options: { port?: number; maxConnections?: number } = {}): Promise<EmbeddedServer> {
  const host = '127.0.0.1';
  const multiplexer = new SessionMultiplexer(db);
  const handlers = new Set<PGLiteSocketHandler>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const handler = new PGLiteSocketHandler({
      queryQueue: multiplexer as unknown as PGLiteSocketHandlerOptions['queryQueue'],
      closeOnDetach: true,
    });
    handlers.add(handler);
    handler.addEventListener('close', () => handlers.delete(handler));
    handler.attach(socket).catch(() => socket.destroy());
  });
  server.maxConnections = options.maxConnections ?? 64;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('embedded database server has no TCP address');
  const port = address.port;
  return {
    host,
    port,
    connectionString: `postgres://postgres@${host}:${port}/postgres`,
    async stop() {
      await Promise.all([...handlers].map((h) => h.detach(true)));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
