import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { webIsolated } from '../support/web-isolated.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function webTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return webTests(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

describe('web tests that mock modules', () => {
  it('run isolated, each in its own worker (the other web tests share theirs)', () => {
    const mocking = webTests(join(root, 'web', 'src'))
      .filter((file) => /\bvi\.(mock|doMock)\(/.test(readFileSync(join(root, file), 'utf8')))
      .sort();
    expect(mocking).toEqual([...webIsolated].sort());
  });
});
