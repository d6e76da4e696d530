import type { FastifyInstance, FastifyRequest } from 'fastify';
import { appendStaffAction, changeLog, type ChangeLog } from '../../adapters/store/action-log.ts';
import type { JournalActor } from '../../domain/journal/journal-entry.ts';
import {
  shortName,
  type RequestOrigin,
  type StaffAction,
  type StaffActionDraft,
} from '../../domain/journal/staff-actions.ts';
import { roles } from '../../domain/roles.ts';
import { callerOf } from './auth.ts';

// What the staff action log records of a request: who made it (from the token) and from where.
// Plain functions of the request rather than a decorator: the routes that log call them, and
// nothing needs registering.

/** The longest user agent kept: enough to tell a browser and its version, not a whole fingerprint. */
const userAgentLength = 256;

/**
 * Where a request came from: the client's address as Fastify reads it (`request.ip`, which
 * believes X-Forwarded-For only from the proxies `trustProxyHops` counts, api/app.ts) and its
 * user agent, cut to 256 characters.
 */
export function requestOrigin(request: FastifyRequest): RequestOrigin {
  const agent = request.headers['user-agent'];
  return {
    ip: request.ip,
    userAgent: (Array.isArray(agent) ? agent.join(' ') : (agent ?? '')).slice(0, userAgentLength),
  };
}

/** The caller as the log names them: « Claire M. », with their highest role. */
export function actionActor(request: FastifyRequest): JournalActor {
  const caller = callerOf(request);
  // `roles` lists the highest first.
  const role = roles.find((held) => caller.roles.includes(held));
  return { id: caller.userId, name: shortName(caller), ...(role ? { role } : {}) };
}

/** The parts of an entry a route names; the actor, the origin and the time come from the request. */
export type RouteAction = Omit<StaffActionDraft, 'actor' | 'after'>;

/**
 * The log of a change a store writes (its `log` argument): the store gives the change's own
 * items and its new value, and the entry is written in the same transaction.
 */
export function staffChangeLog(
  app: FastifyInstance,
  request: FastifyRequest,
  gardenId: string,
  action: RouteAction,
): ChangeLog {
  return changeLog(
    app.store,
    gardenId,
    { ...action, actor: actionActor(request) },
    requestOrigin(request),
    app.now().toISOString(),
  );
}

/** Logs an action that writes nothing in the store (an account in Keycloak, a workflow's Update). */
export function logStaffAction(
  app: FastifyInstance,
  request: FastifyRequest,
  gardenId: string,
  action: RouteAction & { after?: unknown },
): Promise<StaffAction> {
  return appendStaffAction(
    app.store,
    gardenId,
    { ...action, actor: actionActor(request) },
    requestOrigin(request),
    [],
    {
      at: app.now().toISOString(),
    },
  );
}
