import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';
import Type from 'typebox';
import { requireRole } from '../plugins/auth.ts';
import { errorAnswers } from '../schemas.ts';
import { gardenOfSealedPayload, sealedEncoding } from '../../temporal/payload-codec.ts';

/**
 * The codec server (issue 13): the Temporal UI, and anyone allowed, sends the sealed payloads of
 * a history (temporal/payload-codec.ts) and gets them back opened, in the Temporal UI's codec
 * protocol (proto3 JSON: `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`).
 *
 * Who may open what:
 * - a garden's administrators: the payloads of their garden's processes (the garden each sealed
 *   payload names, which its seal authenticates);
 * - network administrators: the network's own processes (creating and retiring gardens), and a
 *   garden's only while they have opened that garden (a logged act: `gardenOpenings`);
 * - everyone else: nothing (403).
 * A payload the caller may not open, or that does not open (unknown key, altered), comes back as
 * it was sent: the UI shows it sealed, the others of the same history opened.
 */

/** The proto3 JSON of a payload: bytes in base64. */
const Base64 = Type.String({ pattern: '^[A-Za-z0-9+/_-]*={0,2}$', maxLength: 4_000_000 });
const JsonPayload = Type.Object(
  {
    metadata: Type.Optional(Type.Record(Type.String({ maxLength: 256 }), Base64)),
    data: Type.Optional(Base64),
  },
  { additionalProperties: false },
);
const Payloads = Type.Object(
  { payloads: Type.Array(JsonPayload, { maxItems: 1000 }) },
  { additionalProperties: false },
);
type JsonPayload = Type.Static<typeof JsonPayload>;

/** Whether a network administrator has opened a garden lately (the opening logged in its staff action log). */
export interface GardenOpenings {
  openedRecently(gardenId: string, userId: string): Promise<boolean>;
}

export interface TemporalCodecOptions {
  codec: PayloadCodec | undefined;
  /** The Temporal UI's origin, allowed to call from the browser (CORS); none when absent. */
  temporalUiOrigin?: string | undefined;
  gardenOpenings?: GardenOpenings | undefined;
}

/** Payload bodies as large as Temporal's (2 MB each) times a history page of them. */
const codecBodyLimit = 8 * 1024 * 1024;

const fromJson = (payload: JsonPayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [
      key,
      new Uint8Array(Buffer.from(value, 'base64')),
    ]),
  ),
  data: new Uint8Array(Buffer.from(payload.data ?? '', 'base64')),
});

const toJson = (payload: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value ?? []).toString('base64'),
    ]),
  ),
  data: Buffer.from(payload.data ?? []).toString('base64'),
});

const isSealed = (payload: Payload) =>
  Buffer.from(payload.metadata?.['encoding'] ?? []).toString() === sealedEncoding;

export const temporalCodecRoutes: FastifyPluginAsyncTypebox<TemporalCodecOptions> = async (app, options) => {
  const allowCors = (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (!options.temporalUiOrigin || origin !== options.temporalUiOrigin) return;
    void reply
      .header('Access-Control-Allow-Origin', origin)
      .header('Access-Control-Allow-Credentials', 'true')
      .header('Vary', 'Origin');
  };

  // The browser's preflight: the UI sends its access token and the namespace in headers.
  app.options(
    '/temporal-codec/decode',
    { schema: { hide: true } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      allowCors(request, reply);
      if (options.temporalUiOrigin && request.headers.origin === options.temporalUiOrigin) {
        void reply
          .header('Access-Control-Allow-Methods', 'POST')
          .header('Access-Control-Allow-Headers', 'authorization, content-type, x-namespace')
          .header('Access-Control-Max-Age', '600');
      }
      return reply.code(204).send();
    },
  );

  app.post(
    '/temporal-codec/decode',
    {
      bodyLimit: codecBodyLimit,
      onRequest: async (request, reply) => {
        allowCors(request, reply);
        await app.authenticate(request);
        requireRole(request, ['garden-admin', 'network-admin']);
      },
      schema: {
        tags: ['network'],
        summary:
          "Opens sealed workflow payloads for the Temporal UI (its codec protocol): a garden's administrators open " +
          "their garden's, network administrators the network's and those of a garden they opened. Any other payload " +
          'comes back as it was sent.',
        security: [{ bearer: [] }],
        body: Payloads,
        response: { 200: Payloads, ...errorAnswers },
      },
    },
    async (request) => {
      const caller = requireRole(request, ['garden-admin', 'network-admin']);
      const isNetworkAdmin = caller.roles.includes('network-admin');
      const opened = new Map<string, Promise<boolean>>();
      const mayOpen = async (garden: string | undefined): Promise<boolean> => {
        if (garden === undefined) return isNetworkAdmin;
        if (!isNetworkAdmin) return caller.gardenId === garden;
        if (!options.gardenOpenings) return false;
        if (!opened.has(garden))
          opened.set(garden, options.gardenOpenings.openedRecently(garden, caller.userId));
        return opened.get(garden)!;
      };
      const payloads = await Promise.all(
        request.body.payloads.map(async (json) => {
          const payload = fromJson(json);
          if (!options.codec || !isSealed(payload)) return json;
          if (!(await mayOpen(gardenOfSealedPayload(payload)))) return json;
          try {
            const [open] = await options.codec.decode([payload]);
            return open ? toJson(open) : json;
          } catch (error) {
            request.log.warn({ err: error }, 'a sealed payload did not open');
            return json;
          }
        }),
      );
      return { payloads };
    },
  );
};
