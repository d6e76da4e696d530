import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import {
  ConsentEntry,
  ConsentState,
  consentState,
  keptUserAgent,
  optionalPurposes,
  staleTermsRefusal,
  termsDocuments,
  termsToAccept,
  type ConsentChannel,
  type OptionalPurpose,
  type PublishedTermsVersion,
  type TermsDocument,
} from '../../domain/consents.ts';
import { CocagneError } from '../../domain/errors.ts';
import type { Store } from '../../adapters/store/index.ts';
import { callerOf } from '../plugins/auth.ts';
import { errorAnswers, MemberParams } from '../schemas.ts';

const VersionShown = Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()]);

/** The versions the form showed (`null` or absent: the garden had not published that page). */
export const TermsVersionsInput = Type.Object(
  { cgv: Type.Optional(VersionShown), confidentialite: Type.Optional(VersionShown) },
  { additionalProperties: false },
);
export type TermsVersionsInput = Type.Static<typeof TermsVersionsInput>;

/** Optional consents chosen on a form: each one given (true) or not (false, or absent). */
export const OptionalConsentsInput = Type.Object(
  {
    newsletter: Type.Optional(Type.Boolean()),
    photos: Type.Optional(Type.Boolean()),
    sms: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type OptionalConsentsInput = Type.Static<typeof OptionalConsentsInput>;

const TermsVersions = Type.Object({
  cgv: Type.Union([Type.Integer(), Type.Null()]),
  confidentialite: Type.Union([Type.Integer(), Type.Null()]),
});

const ConsentsView = Type.Object({
  state: ConsentState,
  /** The latest published version of each document (`null`: not published). */
  current: TermsVersions,
  /** Documents with a substantial version the member has not accepted: they accept before going on. */
  mustAccept: Type.Array(
    Type.Object({
      document: Type.Enum([...termsDocuments]),
      version: Type.Integer(),
      acceptedVersion: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
  /** The member's log, oldest first. */
  entries: Type.Array(ConsentEntry),
});

const gardenPublisher = (gardenId: string) => ({ kind: 'garden' as const, gardenId });

/** The latest published version of the CGV and the privacy policy (`null`: none yet). */
export async function latestTerms(
  store: Store,
  gardenId: string,
): Promise<Record<TermsDocument, number | null>> {
  const [cgv, confidentialite] = await Promise.all(
    termsDocuments.map((slug) => store.pages.latestVersion(gardenPublisher(gardenId), slug)),
  );
  return { cgv: cgv?.version ?? null, confidentialite: confidentialite?.version ?? null };
}

/**
 * Refuses (409) versions older than the latest published, so that nobody accepts terms they
 * were not shown; the versions to record otherwise.
 */
export async function checkedTerms(
  store: Store,
  gardenId: string,
  shown: TermsVersionsInput | undefined,
): Promise<Record<TermsDocument, number | null>> {
  const latest = await latestTerms(store, gardenId);
  const refusal = staleTermsRefusal(shown ?? {}, latest);
  if (refusal) throw new CocagneError('conflict', refusal, { field: 'termsVersions' });
  return latest;
}

/** The origin kept with an entry: the address as Fastify reads it, the browser cut short. */
function originOf(request: FastifyRequest) {
  const agent = request.headers['user-agent'];
  const userAgent = keptUserAgent(Array.isArray(agent) ? agent.join(' ') : agent);
  return { ip: request.ip, ...(userAgent ? { userAgent } : {}) };
}

/** What a caller said about their consents, appended to the log (terms first, then each purpose). */
export async function recordConsents(
  app: { store: Store; newId: () => string },
  request: FastifyRequest,
  input: {
    gardenId: string;
    memberId: string;
    at: string;
    how: ConsentChannel;
    terms?: Record<TermsDocument, number | null>;
    optional?: Partial<Record<OptionalPurpose, boolean>>;
  },
): Promise<void> {
  const common = {
    memberId: input.memberId,
    accountId: callerOf(request).userId,
    at: input.at,
    how: input.how,
    origin: originOf(request),
  };
  if (input.terms) {
    await app.store.consents.append(input.gardenId, app.newId(), {
      ...common,
      kind: 'terms',
      terms: input.terms,
    });
  }
  for (const purpose of optionalPurposes) {
    const given = input.optional?.[purpose];
    if (given === undefined) continue;
    await app.store.consents.append(input.gardenId, app.newId(), {
      ...common,
      kind: 'optional',
      purpose,
      given,
    });
  }
}

/** Every published version of the CGV and the privacy policy, for `termsToAccept`. */
async function publishedTerms(
  store: Store,
  gardenId: string,
): Promise<Record<TermsDocument, PublishedTermsVersion[]>> {
  const [cgv = [], confidentialite = []] = await Promise.all(
    termsDocuments.map(async (slug) =>
      (await store.pages.versions(gardenPublisher(gardenId), slug)).map(
        ({ version, substantial, publishedAt }) => ({
          version,
          substantial,
          publishedAt,
        }),
      ),
    ),
  );
  return { cgv, confidentialite };
}

/** A member's consents as the portal and staff read them. */
export async function consentsView(store: Store, gardenId: string, memberId: string) {
  const [entries, published] = await Promise.all([
    store.consents.list(gardenId, memberId),
    publishedTerms(store, gardenId),
  ]);
  const state = consentState(entries);
  const latest = (document: TermsDocument) =>
    published[document].length === 0
      ? null
      : Math.max(...published[document].map((version) => version.version));
  return {
    state,
    current: { cgv: latest('cgv'), confidentialite: latest('confidentialite') },
    mustAccept: termsToAccept(state, published),
    entries,
  };
}

const onlyTheMember = () =>
  new CocagneError('forbidden', {
    fr: 'Seul l’adhérent lui-même donne ou retire son consentement, depuis son espace.',
    en: 'Only the member themselves gives or withdraws consent, from their own area.',
  });

/**
 * A member's consents (issue 14): the garden's terms accepted, version by version, and the
 * optional consents given or withdrawn, from the append-only log. The member reads and changes
 * their own; staff read them.
 */
export const consentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;
  const url = '/members/:memberId/consents';

  /** The member themselves, never staff on their behalf (a consent is the member's own word). */
  function requireTheMember(request: FastifyRequest, memberId: string) {
    request.requireMemberAccess(memberId);
    if (callerOf(request).memberId !== memberId) throw onlyTheMember();
  }

  app.get(
    url,
    {
      schema: {
        tags: ['consents'],
        summary:
          "A member's consents: the terms versions accepted and the optional consents now, what they must " +
          'accept again (a substantial new version), and their log. The member or staff.',
        security: [{ bearer: [] }],
        params: MemberParams,
        response: { 200: ConsentsView, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      await request.reachableMember(gardenId, memberId);
      const view = await consentsView(store, gardenId, memberId);
      if (callerOf(request).memberId === memberId) return view;
      // Staff read what was consented to and when: not the member's address, browser or account.
      return {
        ...view,
        entries: view.entries.map(({ origin: _origin, accountId: _account, ...entry }) => entry),
      };
    },
  );

  app.post(
    `${url}/terms`,
    {
      schema: {
        tags: ['consents'],
        summary:
          'The member accepts the current CGV and privacy policy: the versions they were shown, which must be ' +
          'the latest published (409 otherwise). Recorded with the time, address and browser.',
        security: [{ bearer: [] }],
        params: MemberParams,
        body: Type.Object(
          { cgv: Type.Optional(VersionShown), confidentialite: Type.Optional(VersionShown) },
          { additionalProperties: false },
        ),
        response: { 200: ConsentsView, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      requireTheMember(request, memberId);
      await request.reachableMember(gardenId, memberId);
      const terms = await checkedTerms(store, gardenId, request.body);
      await recordConsents(app, request, {
        gardenId,
        memberId,
        at: app.now().toISOString(),
        how: 'portal',
        terms,
      });
      return consentsView(store, gardenId, memberId);
    },
  );

  app.put(
    `${url}/:purpose`,
    {
      schema: {
        tags: ['consents'],
        summary:
          'The member gives (`given: true`) or withdraws (`given: false`) an optional consent: newsletter, ' +
          'photos or text messages. Each change is a new entry of the log.',
        security: [{ bearer: [] }],
        params: Type.Object({ ...MemberParams.properties, purpose: Type.Enum([...optionalPurposes]) }),
        body: Type.Object({ given: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: ConsentsView, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, memberId, purpose } = request.params;
      requireTheMember(request, memberId);
      await request.reachableMember(gardenId, memberId);
      await recordConsents(app, request, {
        gardenId,
        memberId,
        at: app.now().toISOString(),
        how: 'portal',
        optional: { [purpose]: request.body.given },
      });
      return consentsView(store, gardenId, memberId);
    },
  );
};
