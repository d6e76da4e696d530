import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { isAwsUnavailable } from '../../adapters/aws-calls.ts';
import { isCocagneError, type ErrorCode } from '../../domain/errors.ts';
import { describeSchemaErrors } from '../../domain/validation.ts';

const statusOf: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  duplicate: 409,
  refused: 422,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500,
};

/**
 * The one error handler: a person gets a clear sentence in their language; the log gets the
 * full story. Nothing internal leaks into a 5xx body.
 */
export const errorsPlugin = fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const locale = request.locale;
      if (error.validation) {
        const issues = describeSchemaErrors(error.validation, locale);
        const where = error.validationContext;
        const message =
          issues.length > 0
            ? issues.map((issue) => issue.message).join(' ')
            : locale === 'fr'
              ? `La requête n'est pas valide (${where ?? 'entrée'}).`
              : `The request is not valid (${where ?? 'input'}).`;
        return reply.status(400).send({ error: 'invalid_input', message, issues, requestId: request.id });
      }
      if (isCocagneError(error)) {
        const status = statusOf[error.code];
        if (status >= 500) request.log.error({ err: error }, error.message);
        else request.log.info({ code: error.code }, error.message);
        return reply.status(status).send({
          error: error.code,
          message: error.say(locale),
          ...(error.issuesIn(locale) ? { issues: error.issuesIn(locale) } : {}),
          requestId: request.id,
        });
      }
      const status = error.statusCode ?? 500;
      if (status < 500) {
        // Fastify's own 4xx (malformed JSON, body too large, wrong content type…).
        const message =
          locale === 'fr'
            ? status === 415
              ? "Ce format de données n'est pas accepté : envoyez du JSON."
              : status === 413
                ? 'La requête est trop volumineuse.'
                : "La requête n'a pas pu être lue : vérifiez son contenu."
            : error.message;
        return reply.status(status).send({ error: 'invalid_input', message, requestId: request.id });
      }
      if (isAwsUnavailable(error)) {
        // Storage or messaging unreachable (after the SDK's retries): try again later.
        request.log.error({ err: error }, 'request failed: an AWS service is unreachable');
        return reply.status(503).send({
          error: 'unavailable',
          message:
            locale === 'fr'
              ? `Le service est momentanément indisponible : votre action n'a peut-être pas été enregistrée. Vérifiez dans une minute avant de la refaire ; si cela dure, transmettez ce code à l'équipe technique : ${request.id}.`
              : `The service is unavailable for a moment: your action may not have been recorded. Check again in a minute before doing it again; if this goes on, give this code to the technical team: ${request.id}.`,
          requestId: request.id,
        });
      }
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send({
        error: 'internal',
        message:
          locale === 'fr'
            ? `Une erreur inattendue est survenue. Rien n'a été perdu de ce que vous avez saisi ; réessayez, et si cela se reproduit, transmettez ce code à l'équipe technique : ${request.id}.`
            : `An unexpected error occurred. Try again; if it happens again, give this code to the technical team: ${request.id}.`,
        requestId: request.id,
      });
    });
  },
  { name: 'errors', dependencies: ['locale'] },
);
