import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { format, resolveConfig } from 'prettier';
import { parseAllDocuments } from 'yaml';
import { gardenDeployment, type GardenDeploymentSettings } from '../../domain/garden-deployment.ts';
import { type Json, renderGardenYaml, yamlDocuments } from './garden-yaml.ts';
import { main, settingsFrom } from './render-garden.ts';

const here = (name: string) => new URL(name, import.meta.url);
const demoSettings = JSON.parse(readFileSync(here('demo-garden.json'), 'utf8')) as GardenDeploymentSettings;

/** What an independent YAML reader (the `yaml` package, YAML 1.2 core schema) makes of the text. */
function read(text: string): unknown[] {
  return parseAllDocuments(text).map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJS() as unknown;
  });
}

describe('the demo garden rendered as YAML for GitOps', () => {
  it('is the committed file, byte for byte', () => {
    // After a deliberate change: node infra/k8s/render-garden.ts infra/k8s/demo-garden.json --out infra/k8s/demo-garden.yaml
    expect(renderGardenYaml(demoSettings)).toBe(readFileSync(here('demo-garden.yaml'), 'utf8'));
  });

  it('reads back as exactly the objects of gardenDeployment', () => {
    const documents = read(renderGardenYaml(demoSettings));
    expect(documents).toEqual(gardenDeployment(demoSettings));
    expect(documents.map((document) => (document as { kind: string }).kind)).toContain('Ingress');
  });
});

describe('yamlDocuments', () => {
  it('quotes every string a YAML reader would take for something else', () => {
    const tricky = [
      'true',
      'False',
      'yes',
      'no',
      'on',
      'off',
      'y',
      'N',
      'null',
      '~',
      '',
      '8081',
      '0x1F',
      '1e3',
      '.inf',
      '-1',
      '500m',
      'a: b',
      'a #b',
      '#comment',
      '- item',
      '? key',
      '[a]',
      '{a}',
      '&anchor',
      '*alias',
      '!tag',
      '|',
      '>',
      '%directive',
      '@at',
      '`tick',
      "'single'",
      '"double"',
      'line\nbreak',
      'tab\there',
      ' leading',
      'trailing ',
      '<script>alert(1)</script>',
      'Jardins de Cocagne <ne-pas-repondre@example.org>',
      'vallée',
      '\u2028separator',
      '\u0085next line',
      '\u007fdelete',
      '\ufeffbom',
      '---',
      '...',
    ];
    const value: Json = {
      list: tricky,
      keys: Object.fromEntries(tricky.map((text, index) => [text, index])),
      nested: [[1, 2], [], {}, [{ a: [] }], { b: {} }, null, true, 0, -2.5],
    };
    expect(read(yamlDocuments([value]))).toEqual([value]);
  });

  it('is already as Prettier writes it, so `npm run format` leaves rendered files alone', async () => {
    const options = { ...(await resolveConfig(here('demo-garden.yaml').pathname)), parser: 'yaml' };
    const demo = renderGardenYaml(demoSettings);
    expect(await format(demo, options)).toBe(demo);
    const strings = yamlDocuments([
      { quoted: ['a: b', "it's", 'say "hi"', 'tab\there', 'vallée', '', '8081'] },
    ]);
    expect(await format(strings, options)).toBe(strings);
  });

  it('writes one document per object', () => {
    expect(read(yamlDocuments([{ a: 1 }, { b: 'x' }, []]))).toEqual([{ a: 1 }, { b: 'x' }, []]);
  });
});

describe('render-garden on the command line', () => {
  const files: Record<string, string> = { 'demo.json': JSON.stringify(demoSettings), 'broken.json': '{' };
  const readText = (path: string) => {
    const text = files[path];
    if (text === undefined) throw new Error(`ENOENT: ${path}`);
    return text;
  };

  it('lets flags override the file', () => {
    const { settings } = settingsFrom(
      ['demo.json', '--garden', 'pays-de-vesoul', '--replicas', '2', '--host', 'paniers.vesoul.example.org'],
      readText,
    );
    expect(settings).toMatchObject({ gardenId: 'pays-de-vesoul', replicas: 2 });
    expect(settings.site?.hostName).toBe('paniers.vesoul.example.org');
    const names = gardenDeployment(settings).map((object) => object.metadata.name);
    expect(names).toContain('garden-pays-de-vesoul-worker');
    expect(demoSettings.gardenId).toBe('val-du-doubs');
  });

  it('refuses a command line or a file it cannot use, and says why', () => {
    expect(() => settingsFrom([], readText)).toThrow('one settings file expected');
    expect(() => settingsFrom(['broken.json'], readText)).toThrow('cannot read broken.json as JSON');
    files['empty.json'] = '{}';
    expect(() => settingsFrom(['empty.json'], readText)).toThrow(/lack gardenId.*egress\.keycloak/);
    expect(() => settingsFrom(['demo.json', '--replicas', 'two'], readText)).toThrow('whole number');
  });

  it('exits with 1 and the reason for refused settings, 2 for a wrong command line', () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (message: string) => errors.push(message);
    try {
      expect(main([here('demo-garden.json').pathname, '--garden', '__proto__'])).toBe(1);
      expect(main(['--unknown'])).toBe(2);
    } finally {
      console.error = original;
    }
    expect(errors[0]).toContain('The garden slug "__proto__" cannot name its Kubernetes namespace');
    expect(errors[1]).toContain('usage:');
  });
});
