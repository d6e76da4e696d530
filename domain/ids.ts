/**
 * Identifiers are opaque and carry no personal data: they end up in workflow IDs, logs and
 * URLs. Garden ids are slugs chosen at provisioning ("val-du-doubs").
 */
export const gardenIdPattern = '^[a-z0-9]+(?:-[a-z0-9]+)*$';
export const entityIdPattern = '^[a-zA-Z0-9][a-zA-Z0-9._-]{0,79}$';

const gardenIdRegExp = new RegExp(gardenIdPattern);
const entityIdRegExp = new RegExp(entityIdPattern);

export function isGardenId(value: string): boolean {
  return value.length >= 3 && value.length <= 40 && gardenIdRegExp.test(value);
}

export function isEntityId(value: string): boolean {
  return entityIdRegExp.test(value);
}

/** A new random id with a readable prefix: "m-3f9c2a7e1b4d". */
export function newId(prefix: string, random: () => string): string {
  return `${prefix}-${random().replace(/-/g, '').slice(0, 12)}`;
}
