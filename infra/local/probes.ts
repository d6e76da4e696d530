// Small network probes used by the health checks.
import { connect, createServer } from 'node:net';

/** Whether something accepts TCP connections on host:port. */
export function tcpOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolvePromise(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether the port is taken on this machine: something answers on it, or it cannot be bound. */
export async function portTaken(port: number): Promise<boolean> {
  if (await tcpOpen(port)) return true;
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(true));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolvePromise(false)),
    );
  });
}

/** An HTTP request that never throws: undefined when nothing answered in time. */
export async function httpProbe(
  url: string,
  init: RequestInit = {},
  timeoutMs = 3000,
): Promise<{ status: number; body: string } | undefined> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

/** Parses JSON without throwing. */
export function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
