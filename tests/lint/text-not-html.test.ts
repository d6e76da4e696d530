import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The rule that keeps typed text out of HTML parsers (eslint-rules/text-not-html.js), checked
// on made-up web files: if it stops catching a string handed to Leaflet or to innerHTML, this
// fails. It needs types (is this argument a string?), so the made-up file gets a program of
// its own, compiled with the web app's settings, from memory.
const root = fileURLToPath(new URL('../..', import.meta.url));
const probePath = path.join(root, 'web/src/maps/probe-text-not-html.ts');

function programWith(code: string): ts.Program {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(root, 'web/tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error('web/tsconfig.json could not be read');
  const host = ts.createCompilerHost(parsed.options, true);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (file) => (file === probePath ? code : readFile(file));
  host.fileExists = (file) => file === probePath || fileExists(file);
  host.getSourceFile = (file, language, ...rest) =>
    file === probePath
      ? ts.createSourceFile(file, code, language, true)
      : getSourceFile(file, language, ...rest);
  return ts.createProgram([probePath], parsed.options, host);
}

async function problems(code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: {
          parserOptions: {
            projectService: false,
            project: false,
            programs: [programWith(code)],
            disallowAutomaticSingleRunInference: true,
          },
        },
      },
    ],
  });
  const [result] = await eslint.lintText(code, { filePath: probePath });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'cocagne/text-not-html' || message.fatal)
    .map((message) => `${message.line}: ${message.message}`);
}

const leafletFile = (body: string) =>
  `import L from 'leaflet';\n` +
  `export function draw(map: L.Map, name: string, box: HTMLElement): void {\n${body}\n  void [map, name, box];\n}\n`;

describe('typed text never reaches an HTML parser, enforced by lint', () => {
  it('refuses a string handed to Leaflet as tooltip, popup or icon content', async () => {
    const found = await problems(
      leafletFile(
        [
          '  L.circleMarker([0, 0]).bindTooltip(name).addTo(map);',
          '  L.marker([0, 0]).bindPopup(() => `<b>${name}</b>`).addTo(map);',
          '  L.marker([0, 0], { icon: L.divIcon({ html: name }) }).addTo(map);',
          "  L.popup().setContent('<p>' + name + '</p>');",
        ].join('\n'),
      ),
    );
    expect(found).toEqual([
      expect.stringMatching(/^3: Leaflet inserts a string as HTML/),
      expect.stringMatching(/^4: Leaflet inserts a string as HTML/),
      expect.stringMatching(/^5: Leaflet inserts a string as HTML/),
      expect.stringMatching(/^6: Leaflet inserts a string as HTML/),
    ]);
  });

  it('accepts elements, which Leaflet inserts as they are', async () => {
    const found = await problems(
      leafletFile(
        [
          '  L.circleMarker([0, 0]).bindTooltip(box).addTo(map);',
          '  L.marker([0, 0]).bindPopup(() => box, { maxWidth: 240 }).addTo(map);',
          '  L.marker([0, 0], { icon: L.divIcon({ html: box, className: name }), title: name }).addTo(map);',
        ].join('\n'),
      ),
    );
    expect(found).toEqual([]);
  });

  it('refuses the DOM’s HTML setters', async () => {
    const found = await problems(
      [
        'export function show(box: HTMLElement, name: string): void {',
        '  box.innerHTML = name;',
        "  box.insertAdjacentHTML('beforeend', name);",
        '  document.write(name);',
        '  box.textContent = name;',
        '}',
      ].join('\n'),
    );
    expect(found).toEqual([
      expect.stringMatching(/^2: `innerHTML` parses its string as HTML/),
      expect.stringMatching(/^3: `insertAdjacentHTML` parses its string as HTML/),
      expect.stringMatching(/^4: `document.write` parses its string as HTML/),
    ]);
  });

  it('refuses v-html in the web app’s templates', async () => {
    const eslint = new ESLint({ cwd: root });
    const config = (await eslint.calculateConfigForFile(path.join(root, 'web/src/App.vue'))) as {
      rules: Record<string, unknown>;
    };
    expect(config.rules['vue/no-v-html']).toEqual([2]);
    expect(config.rules['cocagne/text-not-html']).toEqual([2]);
  });
});
