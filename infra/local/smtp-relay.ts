// A tiny SMTP server for the local stack: Keycloak (which sends its emails only by SMTP) talks
// to it, and each message it accepts goes on to the email service (moto's SES locally) as a
// raw SES v2 email. Production has no relay: Keycloak talks to SES's own SMTP interface.
//
// It speaks just what an SMTP client needs on the local machine: EHLO/HELO, MAIL, RCPT, DATA
// (with dot-unstuffing), RSET, NOOP, QUIT. No authentication, no TLS (127.0.0.1 only).
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

/** What the relay hands on: the envelope and the message as the client wrote it (CRLF lines). */
export interface RelayedEmail {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface SmtpRelayOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Rejects to refuse the message (the client gets a temporary failure, 451). */
  deliver: (email: RelayedEmail) => Promise<void>;
  /** Biggest message accepted, in bytes. */
  maxBytes?: number;
  log?: (line: string) => void;
}

/** The greeting's text; the stack's health check looks for it. */
export const smtpRelayBanner = 'Cocagne SMTP relay';

const addressOf = (argument: string): string | undefined => {
  const match = /^<([^<>]*)>/.exec(argument.trim());
  return match ? match[1] : undefined;
};

function session(socket: Socket, options: Required<Omit<SmtpRelayOptions, 'host' | 'port'>>): void {
  let buffer = Buffer.alloc(0);
  let from: string | undefined;
  let to: string[] = [];
  let data: Buffer[] | undefined;
  let dataBytes = 0;
  let busy = Promise.resolve();

  const reply = (text: string) => {
    if (!socket.destroyed) socket.write(`${text}\r\n`);
  };
  const resetEnvelope = () => {
    from = undefined;
    to = [];
  };

  async function endOfData(lines: Buffer[]): Promise<void> {
    const envelope = { from: from ?? '', to };
    resetEnvelope();
    if (dataBytes > options.maxBytes) {
      reply('552 5.3.4 Message too big');
      return;
    }
    try {
      await options.deliver({ ...envelope, raw: Buffer.concat(lines) });
      options.log(`relayed ${envelope.from} -> ${envelope.to.join(', ')} (${dataBytes} bytes)`);
      reply('250 2.0.0 Queued');
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      options.log(`could not relay ${envelope.from} -> ${envelope.to.join(', ')}: ${why}`);
      reply(`451 4.3.0 ${why.replace(/[\r\n]+/g, ' ').slice(0, 200)}`);
    }
  }

  function command(line: string): void {
    const verb = line.slice(0, 4).toUpperCase();
    const argument = line.slice(4).trim();
    switch (verb) {
      case 'EHLO':
        resetEnvelope();
        reply(`250-localhost ${smtpRelayBanner}`);
        reply('250-8BITMIME');
        reply(`250 SIZE ${options.maxBytes}`);
        return;
      case 'HELO':
        resetEnvelope();
        reply(`250 localhost ${smtpRelayBanner}`);
        return;
      case 'MAIL': {
        const address = /^FROM:/i.test(argument) ? addressOf(argument.slice(5)) : undefined;
        if (address === undefined) return reply('501 5.5.4 Syntax: MAIL FROM:<address>');
        from = address;
        to = [];
        return reply('250 2.1.0 OK');
      }
      case 'RCPT': {
        const address = /^TO:/i.test(argument) ? addressOf(argument.slice(3)) : undefined;
        if (from === undefined) return reply('503 5.5.1 MAIL first');
        if (!address) return reply('501 5.5.4 Syntax: RCPT TO:<address>');
        to.push(address);
        return reply('250 2.1.5 OK');
      }
      case 'DATA':
        if (from === undefined || to.length === 0) return reply('503 5.5.1 MAIL and RCPT first');
        data = [];
        dataBytes = 0;
        return reply('354 End data with <CR><LF>.<CR><LF>');
      case 'RSET':
        resetEnvelope();
        return reply('250 2.0.0 OK');
      case 'NOOP':
        return reply('250 2.0.0 OK');
      case 'QUIT':
        reply('221 2.0.0 Bye');
        socket.end();
        return;
      default:
        return reply('502 5.5.2 Command not implemented');
    }
  }

  /** One line, CRLF included; lines are handled one after the other, delivery included. */
  async function onLine(line: Buffer): Promise<void> {
    if (data) {
      if (line.length === 3 && line.toString('latin1') === '.\r\n') {
        const lines = data;
        data = undefined;
        await endOfData(lines);
        return;
      }
      const unstuffed = line[0] === 0x2e ? line.subarray(1) : line;
      dataBytes += unstuffed.length;
      if (dataBytes <= options.maxBytes) data.push(unstuffed);
      return;
    }
    command(line.toString('utf8').replace(/\r\n$/, ''));
  }

  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let end = buffer.indexOf(0x0a); end !== -1; end = buffer.indexOf(0x0a)) {
      let line = buffer.subarray(0, end + 1);
      buffer = buffer.subarray(end + 1);
      // Bare LF line ends are taken as CRLF.
      if (line.length < 2 || line[line.length - 2] !== 0x0d) {
        line = Buffer.concat([line.subarray(0, line.length - 1), Buffer.from('\r\n')]);
      }
      const complete = line;
      busy = busy.then(() => onLine(complete));
    }
  });
  socket.on('error', () => socket.destroy());
  socket.setTimeout(5 * 60_000, () => socket.destroy());
  reply(`220 localhost ESMTP ${smtpRelayBanner}`);
}

/** Starts the relay; resolves once it listens (see `server.address()` for a port picked by 0). */
export function startSmtpRelay(options: SmtpRelayOptions): Promise<Server> {
  const settings = {
    deliver: options.deliver,
    maxBytes: options.maxBytes ?? 10 * 1024 * 1024,
    log: options.log ?? (() => {}),
  };
  const server = createServer((socket) => session(socket, settings));
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', reject);
      resolvePromise(server);
    });
  });
}

/** Hands each message to SES v2 as raw content, making sure its sender is a verified identity. */
export async function sesDelivery(settings: {
  region: string;
  endpoint: string;
}): Promise<(email: RelayedEmail) => Promise<void>> {
  const { CreateEmailIdentityCommand, SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
  const ses = new SESv2Client({ region: settings.region, endpoint: settings.endpoint });
  const send = (email: RelayedEmail) =>
    ses.send(
      new SendEmailCommand({
        FromEmailAddress: email.from,
        Destination: { ToAddresses: email.to },
        Content: { Raw: { Data: email.raw } },
      }),
    );
  return async (email) => {
    try {
      await send(email);
    } catch (error) {
      // moto forgets verified identities when it restarts: the local sender verifies itself
      // again, as provisioning does. Any other sender stays refused, as SES would refuse it.
      if (!(error instanceof Error && error.name === 'MessageRejected')) throw error;
      if (email.from.toLowerCase() !== (process.env.SMTP_RELAY_SENDER ?? '').toLowerCase()) throw error;
      try {
        await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: email.from }));
      } catch (identityError) {
        if (!(identityError instanceof Error && identityError.name === 'AlreadyExistsException'))
          throw identityError;
      }
      await send(email);
    }
  };
}

/** As a service of the local stack (services.ts): settings come from its environment. */
async function main(): Promise<void> {
  const need = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  const deliver = await sesDelivery({ region: need('AWS_REGION'), endpoint: need('SES_ENDPOINT') });
  const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
  await startSmtpRelay({ host: '127.0.0.1', port: Number(need('SMTP_RELAY_PORT')), deliver, log });
  log(`${smtpRelayBanner} on 127.0.0.1:${need('SMTP_RELAY_PORT')} -> SES at ${need('SES_ENDPOINT')}`);
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
