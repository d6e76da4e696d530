import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP relay to a real service that a test can cut and restore, to see what the product does
 * while that service is down (connections refused), without stopping the service for others.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  let up = true;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    /** Drops every open connection and refuses new ones. */
    cut(): void {
      up = false;
      for (const socket of sockets) socket.destroy();
    },
    restore(): void {
      up = true;
    },
    async close(): Promise<void> {
      this.cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
