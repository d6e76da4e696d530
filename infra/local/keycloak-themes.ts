// Cocagne's Keycloak themes (infra/keycloak/themes/) copied into the pinned Keycloak's themes
// folder. Keycloak in dev mode reads theme files at each request (no theme cache), so a copy
// made while it runs takes effect at once; the realm names them (loginTheme, emailTheme).
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { rootDir } from './paths.ts';
import { keycloakHome } from './tools.ts';

export const keycloakThemesSource = join(rootDir, 'infra', 'keycloak', 'themes');

/** Replaces each of our themes in Keycloak's themes folder by the repository's version. */
export function installKeycloakThemes(home: string = keycloakHome): string[] {
  const names = readdirSync(keycloakThemesSource, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  for (const name of names) {
    const target = join(home, 'themes', name);
    rmSync(target, { recursive: true, force: true });
    cpSync(join(keycloakThemesSource, name), target, { recursive: true });
  }
  return names;
}
