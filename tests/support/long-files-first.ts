import { readFileSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { kubernetesMarker } from './kubernetes.ts';
import { infraCheckersMarker } from './side-lanes.ts';

/**
 * Test files that take minutes on their own: started first, so that the other worker shares
 * out everything else meanwhile instead of one worker running them alone at the end (the
 * Schemathesis run alone is about two minutes, the accessibility check of every page as long,
 * the short chaos run one to two).
 */
const longFiles = [
  'api/openapi-fuzz.test.ts',
  'tests/browser/every-page-accessible.test.ts',
  'tests/chaos/chaos.test.ts',
];

/**
 * Whether a test file waits for what `npm test` prepares beside the other tests: the local
 * Kubernetes API (`kubernetesReady()`), the infrastructure's checkers (`infraCheckersReady()`).
 */
function waitsFor(marker: string): (spec: TestSpecification) => boolean {
  return (spec) => {
    try {
      return readFileSync(spec.moduleId, 'utf8').includes(marker);
    } catch {
      return false;
    }
  };
}

/**
 * Vitest's order (failed first, then longest first once it has timings), long files ahead, then
 * files that need the infrastructure's checkers, then those that need the Kubernetes API (ready
 * last).
 */
export class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isLong = (spec: TestSpecification) => longFiles.some((file) => spec.moduleId.endsWith(`/${file}`));
    const kubernetes = sorted.filter(waitsFor(kubernetesMarker));
    const checkers = sorted
      .filter((spec) => !kubernetes.includes(spec))
      .filter(waitsFor(infraCheckersMarker));
    const early = sorted.filter((spec) => !kubernetes.includes(spec) && !checkers.includes(spec));
    return [...early.filter(isLong), ...early.filter((spec) => !isLong(spec)), ...checkers, ...kubernetes];
  }
}
