// Writes each hook's input and output JSON Schemas to extensions/hooks/<name>/ from the
// definitions in domain/extensions (hooks.test.ts fails while they differ):
//   sh infra/local/bin/cocagne exec node extensions/hooks/write-schemas.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hookNames, schemaDocument } from './index.ts';

export const schemaPath = (name: string, side: 'input' | 'output') =>
  join(import.meta.dirname, name, `${side}.schema.json`);

export const schemaText = (document: Record<string, unknown>) => `${JSON.stringify(document, null, 2)}\n`;

if (process.argv[1] === import.meta.filename) {
  for (const name of hookNames) {
    mkdirSync(join(import.meta.dirname, name), { recursive: true });
    for (const side of ['input', 'output'] as const) {
      writeFileSync(schemaPath(name, side), schemaText(schemaDocument(name, side)));
    }
  }
  console.log(`Hook schemas written for ${hookNames.join(', ')}.`);
}
