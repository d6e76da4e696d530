import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every activity a workflow calls retries within a bound (a number of attempts or a time),
 * after which a person hears of it: no activity retries forever in silence.
 */
function workflowFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return workflowFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The option objects given to proxyActivities in a file's source. */
function proxyOptions(source: string): string[] {
  const found: string[] = [];
  for (
    let at = source.indexOf('proxyActivities<');
    at !== -1;
    at = source.indexOf('proxyActivities<', at + 1)
  ) {
    const open = source.indexOf('({', at);
    let depth = 0;
    for (let index = open + 1; index < source.length; index++) {
      if (source[index] === '{') depth++;
      if (source[index] === '}' && --depth === 0) {
        found.push(source.slice(open + 1, index + 1));
        break;
      }
    }
  }
  return found;
}

describe('retry policies of workflows', () => {
  const files = workflowFiles('workflows');

  it('finds the workflows and their activity options', () => {
    expect(files.length).toBeGreaterThan(5);
    expect(files.flatMap((file) => proxyOptions(readFileSync(file, 'utf8'))).length).toBeGreaterThan(8);
  });

  it('bounds every one of them', () => {
    for (const file of files) {
      for (const options of proxyOptions(readFileSync(file, 'utf8'))) {
        const bounded = /boundedRetry|maximumAttempts|scheduleToCloseTimeout/.test(options);
        expect(bounded, `${file}: ${options}`).toBe(true);
      }
    }
  });

  it('would catch an unbounded one', () => {
    const unbounded = proxyOptions(
      "const a = proxyActivities<A>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '1 second' } });",
    );
    expect(unbounded).toHaveLength(1);
    expect(/boundedRetry|maximumAttempts|scheduleToCloseTimeout/.test(unbounded[0] ?? '')).toBe(false);
  });
});
