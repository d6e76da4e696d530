import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

// The layer rules of eslint.config.js, checked on small made-up files: if a rule stops
// catching what ARCHITECTURE.md forbids, this fails.
const eslint = new ESLint({
  // Type information is not needed for import rules, and made-up files are in no project.
  // With CI=true typescript-eslint infers a "single run" and builds a program anyway, which
  // type-aware rules then trip over on these files: that inference is turned off here.
  overrideConfig: [
    {
      ...tseslint.configs.disableTypeChecked,
      files: ['**/*.ts'],
      languageOptions: {
        parserOptions: {
          program: null,
          project: false,
          projectService: false,
          disallowAutomaticSingleRunInference: true,
        },
      },
    },
  ],
});

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter(
      (message) => message.ruleId === 'no-restricted-imports' || message.ruleId === 'cocagne/layer-imports',
    )
    .map((message) => message.message);
}

describe('layer directions enforced by lint', () => {
  it('keeps workflows deterministic: no Node built-ins, no I/O, activity types only', async () => {
    expect(
      await restrictedImports(
        'workflows/probe.ts',
        "import { readFile } from 'node:fs/promises';\nvoid readFile;\n",
      ),
    ).toEqual([expect.stringMatching(/deterministic/)]);
    expect(
      await restrictedImports(
        'workflows/probe.ts',
        "import { S3Client } from '@aws-sdk/client-s3';\nvoid S3Client;\n",
      ),
    ).toEqual([expect.stringMatching(/must not do I\/O/)]);
    expect(
      await restrictedImports(
        'workflows/probe.ts',
        "import { createActivities } from '../activities/index.ts';\nvoid createActivities;\n",
      ),
    ).toEqual([expect.stringMatching(/for types only/)]);
    expect(
      await restrictedImports(
        'workflows/probe.ts',
        "import type { Activities } from '../activities/index.ts';\nexport type A = Activities;\n",
      ),
    ).toEqual([]);
  });

  it('keeps domain pure and lower layers from importing upper ones', async () => {
    expect(
      await restrictedImports(
        'domain/probe.ts',
        "import { createServer } from 'node:http';\nvoid createServer;\n",
      ),
    ).toHaveLength(1);
    expect(
      await restrictedImports(
        'domain/probe.ts',
        "import { buildApp } from '../api/app.ts';\nvoid buildApp;\n",
      ),
    ).toHaveLength(1);
    expect(
      await restrictedImports(
        'activities/probe.ts',
        "import { buildApp } from '../api/app.ts';\nvoid buildApp;\n",
      ),
    ).toHaveLength(1);
  });

  it('lets the API use adapters (stores, documents, Stripe) but not activities or workflows directly', async () => {
    expect(
      await restrictedImports(
        'api/routes/probe.ts',
        "import { createStore } from '../../adapters/store/index.ts';\nvoid createStore;\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedImports(
        'api/routes/probe.ts',
        "import { createActivities } from '../../activities/index.ts';\nvoid createActivities;\n",
      ),
    ).toHaveLength(1);
    expect(
      await restrictedImports(
        'api/probe.ts',
        "import { subscriptionWorkflow } from '../workflows/index.ts';\nvoid subscriptionWorkflow;\n",
      ),
    ).toHaveLength(1);
  });

  it('keeps adapters to outside services: domain below them, no Temporal, no processes', async () => {
    expect(
      await restrictedImports(
        'adapters/probe.ts',
        "import { ApplicationFailure } from '@temporalio/common';\nvoid ApplicationFailure;\n",
      ),
    ).toEqual([expect.stringMatching(/know nothing of Temporal/)]);
    expect(
      await restrictedImports(
        'adapters/stripe/probe.ts',
        "import { createActivities } from '../../activities/index.ts';\nvoid createActivities;\n",
      ),
    ).toHaveLength(1);
    expect(
      await restrictedImports(
        'adapters/store/probe.ts',
        "import { cents } from '../../domain/money.ts';\nvoid cents;\n",
      ),
    ).toEqual([]);
    // Workflows reach outside services through activities, never an adapter, even for types.
    expect(
      await restrictedImports(
        'workflows/probe.ts',
        "import type { Store } from '../adapters/store/index.ts';\nexport type S = Store;\n",
      ),
    ).toHaveLength(1);
    expect(
      await restrictedImports(
        'activities/probe.ts',
        "import { createStore } from '../adapters/store/index.ts';\nvoid createStore;\n",
      ),
    ).toEqual([]);
  });

  it('lets the web app import domain only, whatever its own folders are called', async () => {
    expect(
      await restrictedImports(
        'web/src/stores/probe.ts',
        "import { request } from '../api/request.ts';\nvoid request;\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedImports(
        'web/src/probe.ts',
        "import { cents } from '../../domain/money.ts';\nvoid cents;\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedImports(
        'web/src/probe.ts',
        "import { buildApp } from '../../api/app.ts';\nvoid buildApp;\n",
      ),
    ).toHaveLength(1);
  });
});
