import Type from 'typebox';
import { Act, Actor } from '../../domain/actor.ts';
import { extensionNamePattern, extensionVersionPattern } from '../../domain/extension-rollout.ts';
import { hookNames, moduleMaxBytes } from '../../temporal/extension-services.ts';
import { GardenParams } from '../schemas.ts';

const Localized = Type.Object({ fr: Type.String(), en: Type.String() });

export const ExtensionName = Type.String({
  pattern: extensionNamePattern,
  minLength: 2,
  maxLength: 64,
  description: 'Lower-case words joined by dashes (`quotient-familial`).',
});
export const ExtensionVersion = Type.String({
  pattern: extensionVersionPattern,
  maxLength: 48,
  description: 'Semver, raised for every change (`1.2.0`).',
});
export const HookName = Type.Enum([...hookNames], { description: 'One of the hooks (extensions/hooks/).' });

export const ExtensionParams = Type.Object({ ...GardenParams.properties, name: ExtensionName });
export const VersionParams = Type.Object({ ...ExtensionParams.properties, version: ExtensionVersion });
export const GoldenParams = Type.Object({
  ...GardenParams.properties,
  hook: HookName,
  id: Type.String({
    pattern: '^g-[a-z0-9-]{6,40}$',
    minLength: 8,
    maxLength: 42,
    description: 'A golden case id.',
  }),
});

export const Manifest = Type.Object(
  {
    name: ExtensionName,
    version: ExtensionVersion,
    hooks: Type.Array(HookName, { minItems: 1, maxItems: hookNames.length, uniqueItems: true }),
    author: Type.String({ minLength: 1, maxLength: 200 }),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

const TestCase = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    input: Type.Unknown(),
    output: Type.Unknown(),
  },
  { additionalProperties: false },
);

/** The module's test vectors, per hook (a hook the manifest does not name is refused). */
export const TestVectors = Type.Object(
  Object.fromEntries(hookNames.map((hook) => [hook, Type.Optional(Type.Array(TestCase, { maxItems: 200 }))])),
  { additionalProperties: false },
);

/** Base64 of at most `moduleMaxBytes` bytes. */
export const moduleBase64MaxLength = Math.ceil(moduleMaxBytes / 3) * 4;
/** The upload's body: the module in base64 with what it says of itself (some margin for vectors). */
export const uploadBodyLimit = moduleBase64MaxLength + 2 * 1024 * 1024;

export const UploadBody = Type.Object(
  {
    manifest: Manifest,
    testVectors: TestVectors,
    module: Type.String({
      minLength: 12,
      maxLength: moduleBase64MaxLength,
      pattern: '^[A-Za-z0-9+/]+={0,2}$',
      description: `The WebAssembly module (.wasm), base64; at most ${moduleMaxBytes / 1024 / 1024} MiB.`,
    }),
  },
  { additionalProperties: false },
);

export const GoldenCaseBody = Type.Object(
  {
    hook: HookName,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    input: Type.Unknown(),
    output: Type.Unknown(),
  },
  { additionalProperties: false },
);

export const GoldenCaseSchema = Type.Object({
  id: Type.String(),
  hook: Type.String(),
  name: Type.String(),
  input: Type.Unknown(),
  output: Type.Unknown(),
  added: Act,
});

const CallFigures = Type.Object({
  calls: Type.Integer(),
  failures: Type.Integer(),
  byKind: Type.Record(Type.String(), Type.Integer()),
  lastFailure: Type.Optional(
    Type.Object({ kind: Type.String(), message: Type.String(), hook: Type.String(), at: Type.String() }),
  ),
  /** failures / calls (0 without calls). */
  failureRate: Type.Number(),
});

export const VersionView = Type.Object({
  name: Type.String(),
  version: Type.String(),
  manifest: Type.Object({
    name: Type.String(),
    version: Type.String(),
    hooks: Type.Array(Type.String()),
    author: Type.String(),
    source: Type.Optional(Type.String()),
  }),
  contentHash: Type.String(),
  sizeBytes: Type.Integer(),
  status: Type.String(),
  uploaded: Act,
  testVectorCount: Type.Integer(),
  staticCheck: Type.Optional(
    Type.Object({
      passed: Type.Boolean(),
      sizeBytes: Type.Integer(),
      maxBytes: Type.Integer(),
      forbiddenImports: Type.Array(Type.String()),
      missingExports: Type.Array(Type.String()),
      memoryProblems: Type.Array(Type.String()),
      unknownHooks: Type.Array(Type.String()),
    }),
  ),
  selfTests: Type.Optional(
    Type.Object({
      passed: Type.Boolean(),
      total: Type.Integer(),
      failed: Type.Integer(),
      results: Type.Array(
        Type.Object({
          kind: Type.String(),
          hook: Type.String(),
          name: Type.String(),
          passed: Type.Boolean(),
          expected: Type.Unknown(),
          actual: Type.Unknown(),
          failure: Type.Optional(Type.String()),
        }),
      ),
    }),
  ),
  diff: Type.Optional(
    Type.Object({
      against: Type.Optional(Type.String()),
      compared: Type.Integer(),
      changed: Type.Integer(),
      failed: Type.Integer(),
      differences: Type.Array(
        Type.Object({
          hook: Type.String(),
          source: Type.String(),
          name: Type.String(),
          input: Type.Unknown(),
          before: Type.Unknown(),
          after: Type.Unknown(),
          same: Type.Boolean(),
          failure: Type.Optional(Type.String()),
        }),
      ),
    }),
  ),
  approval: Type.Optional(Act),
  rejection: Type.Optional(Type.Object({ ...Act.properties, reason: Type.String() })),
  activatedAt: Type.Optional(Type.String()),
  probationEndsAt: Type.Optional(Type.String()),
  endedAt: Type.Optional(Type.String()),
  rollback: Type.Optional(
    Type.Object({
      at: Type.String(),
      by: Type.Optional(Actor),
      reason: Localized,
      to: Type.Optional(Type.String()),
    }),
  ),
  history: Type.Array(Type.Object({ at: Type.String(), by: Type.Optional(Actor), what: Localized })),
  figures: CallFigures,
});

export const RolloutStatusSchema = Type.Object({
  phase: Type.String(),
  version: Type.Optional(Type.String()),
  active: Type.Optional(Type.String()),
  previous: Type.Optional(Type.String()),
  queue: Type.Array(Type.String()),
  probationEndsAt: Type.Optional(Type.String()),
  outcome: Type.Optional(
    Type.Object({ version: Type.String(), result: Type.String(), reason: Type.Optional(Localized) }),
  ),
});

export const ActiveSetSchema = Type.Object({
  revision: Type.Integer(),
  updatedAt: Type.String(),
  active: Type.Array(
    Type.Object({
      name: Type.String(),
      version: Type.String(),
      hooks: Type.Array(Type.String()),
      contentHash: Type.String(),
      activatedAt: Type.String(),
    }),
  ),
});

export const ExtensionsView = Type.Object({
  active: ActiveSetSchema,
  hooks: Type.Array(Type.Object({ name: Type.String(), version: Type.Integer(), summary: Type.String() })),
  extensions: Type.Array(
    Type.Object({
      name: Type.String(),
      /** Where its rollout stands (null when the workflow cannot be asked now). */
      rollout: Type.Union([RolloutStatusSchema, Type.Null()]),
      versions: Type.Array(VersionView),
    }),
  ),
  goldenCases: Type.Array(GoldenCaseSchema),
});

export const UploadAnswer = Type.Object({
  name: Type.String(),
  version: Type.String(),
  contentHash: Type.String(),
  status: Type.String(),
  /** False when this very version had been uploaded already (nothing changed). */
  created: Type.Boolean(),
});
