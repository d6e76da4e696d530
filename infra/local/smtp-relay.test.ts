import { connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpRelayBanner, startSmtpRelay, type RelayedEmail } from './smtp-relay.ts';

/** A client that sends one line and returns the server's whole answer (multi-line replies too). */
function smtpClient(port: number) {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  let pending = '';
  const waiters: Array<(reply: string) => void> = [];
  socket.on('data', (chunk) => {
    pending += chunk.toString('utf8');
    // A reply ends with a line "NNN text" (a space after the code, not a dash).
    const match = /(^|\r\n)\d{3} [^\r\n]*\r\n$/.exec(pending);
    if (match && waiters.length > 0) {
      const reply = pending;
      pending = '';
      waiters.shift()?.(reply);
    }
  });
  const next = () => new Promise<string>((resolvePromise) => waiters.push(resolvePromise));
  return {
    greeting: next(),
    async send(text: string): Promise<string> {
      const reply = next();
      socket.write(text);
      return reply;
    },
    close: () => socket.destroy(),
  };
}

describe('the local SMTP relay', () => {
  const delivered: RelayedEmail[] = [];
  let refuse = false;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = await startSmtpRelay({
      host: '127.0.0.1',
      port: 0,
      deliver: async (email) => {
        if (refuse) throw new Error('Did not have authority to send from email x@example.org');
        delivered.push(email);
      },
    });
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolvePromise) => server.close(() => resolvePromise())));

  it('takes a message as an SMTP client sends it, and hands on its envelope and its lines unstuffed', async () => {
    const client = smtpClient(port);
    expect(await client.greeting).toMatch(new RegExp(`^220 .*${smtpRelayBanner}`));
    expect(await client.send('EHLO keycloak\r\n')).toMatch(/^250-.*\r\n250 SIZE \d+\r\n$/s);
    expect(await client.send('MAIL FROM:<ne-pas-repondre@cocagne.local>\r\n')).toMatch(/^250/);
    expect(await client.send('RCPT TO:<sophie@example.org>\r\n')).toMatch(/^250/);
    expect(await client.send('RCPT TO:<marc@example.org>\r\n')).toMatch(/^250/);
    expect(await client.send('DATA\r\n')).toMatch(/^354/);
    const reply = await client.send(
      'Subject: =?UTF-8?Q?R=C3=A9initialiser?=\r\n\r\nLigne 1\r\n..commence par un point\r\n.\r\n',
    );
    expect(reply).toMatch(/^250/);
    expect(await client.send('QUIT\r\n')).toMatch(/^221/);
    client.close();

    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.from).toBe('ne-pas-repondre@cocagne.local');
    expect(delivered[0]?.to).toEqual(['sophie@example.org', 'marc@example.org']);
    expect(delivered[0]?.raw.toString('utf8')).toBe(
      'Subject: =?UTF-8?Q?R=C3=A9initialiser?=\r\n\r\nLigne 1\r\n.commence par un point\r\n',
    );
  });

  it('refuses commands out of order, and answers a failed delivery with a temporary error', async () => {
    const client = smtpClient(port);
    await client.greeting;
    expect(await client.send('RCPT TO:<a@example.org>\r\n')).toMatch(/^503/);
    expect(await client.send('DATA\r\n')).toMatch(/^503/);
    expect(await client.send('MAIL FROM:<x@example.org>\r\n')).toMatch(/^250/);
    expect(await client.send('RCPT TO:<a@example.org>\r\n')).toMatch(/^250/);
    expect(await client.send('DATA\r\n')).toMatch(/^354/);
    refuse = true;
    expect(await client.send('Subject: x\r\n\r\nx\r\n.\r\n')).toMatch(/^451 .*authority/);
    refuse = false;
    expect(await client.send('VRFY a\r\n')).toMatch(/^502/);
    client.close();
  });
});
