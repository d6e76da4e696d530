import type { RouteLocationNormalized, RouteLocationRaw } from 'vue-router';
import { acceptTermsPortalPath } from '../../../../domain/consents.ts';
import { useSessionStore } from '../../stores/session.ts';
import { useConsentsStore } from './consents-store.ts';

/** The page where a member accepts the new terms. */
export const acceptTermsPath = acceptTermsPortalPath;

/**
 * Before the member area: a member with a substantial new version of the CGV or the privacy
 * policy to accept is sent to it first, and comes back where they were going. Staff are never
 * held, and when the consents cannot be read the member goes on (the next visit asks again).
 */
export async function termsGuard(
  to: Pick<RouteLocationNormalized, 'meta' | 'path' | 'fullPath'>,
): Promise<RouteLocationRaw | true> {
  if (to.meta.area !== 'member' || to.path === acceptTermsPath) return true;
  const session = useSessionStore();
  if (!session.isMember || session.isStaff || !session.memberId || !session.gardenId) return true;
  const view = await useConsentsStore().load(session.gardenId, session.memberId);
  if (!view || view.mustAccept.length === 0) return true;
  return { path: acceptTermsPath, query: { retour: to.fullPath } };
}
