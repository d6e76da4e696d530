import { readFileSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { kubernetesMarker } from './kubernetes.ts';

/**
 * Test files that take minutes on their own: started first, so that the other worker shares
 * out everything else meanwhile instead of one worker running them alone at the end (the
 * Schemathesis run alone is about two minutes).
 */
const longFiles = ['api/openapi-fuzz.test.ts'];

/**
 * Whether a test file waits for the local Kubernetes API (`kubernetesReady()`), which `npm test`
 * builds and starts beside the other tests: such files run last.
 */
function needsKubernetes(spec: TestSpecification): boolean {
  try {
    return readFileSync(spec.moduleId, 'utf8').includes(kubernetesMarker);
  } catch {
    return false;
  }
}

/**
 * Vitest's order (failed first, then longest first once it has timings), long files ahead,
 * files that need the Kubernetes API behind.
 */
export class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isLong = (spec: TestSpecification) => longFiles.some((file) => spec.moduleId.endsWith(`/${file}`));
    const late = new Set(sorted.filter(needsKubernetes));
    const early = sorted.filter((spec) => !late.has(spec));
    return [...early.filter(isLong), ...early.filter((spec) => !isLong(spec)), ...late];
  }
}
