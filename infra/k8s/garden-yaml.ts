/**
 * A garden's Kubernetes objects as multi-document YAML, for GitOps (FluxCD reads the files a
 * commit holds). The objects are JSON values (strings, numbers, booleans, objects, arrays), so
 * this writes only that subset of YAML: block style, and every string that a YAML reader could
 * take for something else (a number, `true`, `no`, `null`, a key, a comment…) quoted: in single
 * quotes when it needs no escape, else in double quotes with JSON's escapes (which YAML's
 * double-quoted style shares).
 */
import { gardenDeployment, type GardenDeploymentSettings } from '../../domain/garden-deployment.ts';

export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** Words YAML 1.1 readers (still common) take for booleans or null when unquoted. */
const yamlWords = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'null', '~']);
/** Starts with a letter, "_" or "/", then no character that YAML gives a meaning to. */
const plainSafe = /^[A-Za-z_/][A-Za-z0-9_./@-]*$/;
/** Characters outside YAML's printable set, or line breaks to YAML 1.1, that JSON leaves as they are. */
const unprintable = /[\u007f-\u009f\u2028\u2029\ufeff]/g;

/** What single quotes can hold as it is: printable characters, no quote, no backslash. */
const singleQuotable =
  /^[\u0020-\u0026\u0028-\u005b\u005d-\u007e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;

function scalar(value: string): string {
  if (plainSafe.test(value) && !yamlWords.has(value.toLowerCase())) return value;
  // Single quotes where they need no escape, as Prettier writes them (the repository's style):
  // `npm run format` then leaves a rendered file as it is.
  if (singleQuotable.test(value)) return `'${value}'`;
  return JSON.stringify(value).replace(
    unprintable,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function isCollection(value: Json): value is readonly Json[] | { readonly [key: string]: Json } {
  return typeof value === 'object' && value !== null;
}

function isEmpty(value: readonly Json[] | { readonly [key: string]: Json }): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

function leaf(value: Json): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return scalar(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Cannot write ${value} in YAML`);
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? '[]' : '{}';
}

/** The lines of a value under a key or a dash, indented by `indent`. */
function lines(value: Json, indent: string): string[] {
  if (!isCollection(value) || isEmpty(value)) return [`${indent}${leaf(value)}`];
  if (Array.isArray(value)) {
    return (value as readonly Json[]).flatMap((item) => {
      if (!isCollection(item) || isEmpty(item)) return [`${indent}- ${leaf(item)}`];
      // The item's first line goes after its dash; the rest keep the dash's indent plus two.
      const [first = '', ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first.slice(indent.length + 2)}`, ...rest];
    });
  }
  return Object.entries(value).flatMap(([key, child]) => {
    if (!isCollection(child) || isEmpty(child)) return [`${indent}${scalar(key)}: ${leaf(child)}`];
    return [`${indent}${scalar(key)}:`, ...lines(child, `${indent}  `)];
  });
}

/** One YAML document per value, each opened by `---`. */
export function yamlDocuments(values: readonly Json[]): string {
  return values.map((value) => ['---', ...lines(value, '')].join('\n')).join('\n') + '\n';
}

/** What `render-garden.ts` writes: a header saying where the file comes from, then the objects. */
export function renderGardenYaml(settings: GardenDeploymentSettings): string {
  const objects = gardenDeployment(settings) as unknown as Json[];
  return (
    `# Garden ${settings.gardenId}: rendered by infra/k8s/render-garden.ts from domain/garden-deployment.ts.\n` +
    '# Do not edit: change the settings or the function, and render again.\n' +
    yamlDocuments(objects)
  );
}
