/**
 * Writes a garden's Kubernetes objects as YAML for GitOps, from the same function the
 * provisioning workflow applies (domain/garden-deployment.ts). See infra/k8s/README.md.
 *
 *   node infra/k8s/render-garden.ts <settings.json> [--garden <slug>] [--image <ref@sha256:…>]
 *     [--replicas <n>] [--host <host name>] [--out <file.yaml>]
 *
 * The flags override the file's settings (a file is still needed for Temporal and the egress
 * rules); `-` reads the settings from standard input. Refused settings exit with status 1 and
 * say why; a wrong command line exits with status 2.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { GardenDeploymentSettings } from '../../domain/garden-deployment.ts';
import { isCocagneError } from '../../domain/errors.ts';
import { renderGardenYaml } from './garden-yaml.ts';

const usage =
  'usage: node infra/k8s/render-garden.ts <settings.json|-> [--garden <slug>] [--image <ref@sha256:…>] ' +
  '[--replicas <n>] [--host <host name>] [--out <file.yaml>]';

class UsageError extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The fields the function reads without checking their type themselves. */
function requireShape(value: unknown): asserts value is GardenDeploymentSettings {
  const problems: string[] = [];
  if (!isObject(value)) throw new UsageError('the settings must be a JSON object');
  if (typeof value.gardenId !== 'string') problems.push('gardenId (a string)');
  if (typeof value.image !== 'string') problems.push('image (a string)');
  const temporal = value.temporal;
  if (!isObject(temporal) || typeof temporal.address !== 'string' || typeof temporal.namespace !== 'string')
    problems.push('temporal.address and temporal.namespace (strings)');
  const egress = value.egress;
  for (const name of ['temporal', 'aws', 'keycloak'])
    if (
      !isObject(egress) ||
      !isObject(egress[name]) ||
      !Array.isArray(egress[name].to) ||
      !Array.isArray(egress[name].ports)
    )
      problems.push(`egress.${name}.to and egress.${name}.ports (lists)`);
  if (value.site !== undefined && !isObject(value.site)) problems.push('site (an object)');
  if (problems.length) throw new UsageError(`the settings lack ${problems.join(', ')}`);
}

/** The settings the command line describes: the file's, with the flags over them. */
export function settingsFrom(
  args: readonly string[],
  readText: (path: string) => string,
): {
  settings: GardenDeploymentSettings;
  out: string | undefined;
} {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      garden: { type: 'string' },
      image: { type: 'string' },
      replicas: { type: 'string' },
      host: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError('one settings file expected');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readText(file));
  } catch (error) {
    throw new UsageError(`cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  requireShape(parsed);
  const settings: GardenDeploymentSettings = { ...parsed };
  if (values.garden !== undefined) settings.gardenId = values.garden;
  if (values.image !== undefined) settings.image = values.image;
  if (values.replicas !== undefined) {
    if (!/^\d+$/.test(values.replicas)) throw new UsageError('--replicas takes a whole number');
    settings.replicas = Number(values.replicas);
  }
  if (values.host !== undefined) {
    if (!settings.site)
      throw new UsageError(
        '--host needs the site settings (how the host is served: see infra/k8s/README.md) in the file',
      );
    settings.site = { ...settings.site, hostName: values.host };
  }
  return { settings, out: values.out };
}

export function main(args: readonly string[]): number {
  try {
    const { settings, out } = settingsFrom(args, (path) => readFileSync(path === '-' ? 0 : path, 'utf8'));
    const yaml = renderGardenYaml(settings);
    if (out) writeFileSync(out, yaml);
    else process.stdout.write(yaml);
    return 0;
  } catch (error) {
    if (isCocagneError(error)) {
      console.error(`render-garden: ${error.message}`);
      return 1;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`render-garden: ${(error as Error).message}\n${usage}`);
      return 2;
    }
    throw error;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
