import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Test files that take minutes on their own: started first, so that the other worker shares
 * out everything else meanwhile instead of one worker running them alone at the end (the
 * Schemathesis run alone is about two minutes).
 */
const longFiles = ['api/openapi-fuzz.test.ts'];

/** Vitest's order (failed first, then longest first once it has timings), long files ahead. */
export class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isLong = (spec: TestSpecification) => longFiles.some((file) => spec.moduleId.endsWith(`/${file}`));
    return [...sorted.filter(isLong), ...sorted.filter((spec) => !isLong(spec))];
  }
}
