// One lint setup for the whole repository. Beyond the usual checks it enforces the layer
// directions of ARCHITECTURE.md (imports point one way) and keeps workflow code deterministic.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const layers = ['domain', 'extensions', 'activities', 'workflows', 'temporal', 'api', 'web', 'infra'];

/** A regular expression matching relative imports that reach into the given top-level layers. */
const into = (...names) => `^(\\.{1,2}/)+(${names.join('|')})(/|$)`;

/** A no-restricted-imports rule forbidding the given layers to the files it applies to. */
function forbidLayers(message, names) {
  return {
    'no-restricted-imports': ['error', { patterns: [{ regex: into(...names), message }] }],
  };
}

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const ioPackages = [
  '@aws-sdk/*',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  'fastify',
  '@fastify/*',
  'stripe',
  '@extism/*',
  '@kubernetes/*',
  'jose',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.tools/',
      '.data/',
      'web/dist/',
      'temporal/dist/',
      'temporal/histories/',
      'test-results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...pluginVue.configs['flat/recommended'],
  {
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { ...globals.node },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Fastify plugins and hooks are async by contract, awaiting or not.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser },
      globals: { ...globals.browser },
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  // ---- Layer directions (ARCHITECTURE.md, "Layers") ----
  {
    files: ['domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'domain/ is pure: no I/O, no Node built-ins.',
          })),
          patterns: [
            {
              regex: into(...layers.filter((l) => l !== 'domain')),
              message: 'domain/ imports nothing from other layers.',
            },
            { group: ioPackages, message: 'domain/ is pure: no I/O libraries.' },
            { group: ['vue', 'pinia', 'vue-router'], message: 'domain/ is pure TypeScript.' },
          ],
        },
      ],
    },
  },
  {
    files: ['extensions/**'],
    rules: forbidLayers('extensions/ may import domain/ only.', [
      'activities',
      'workflows',
      'temporal',
      'api',
      'web',
      'infra',
    ]),
  },
  {
    files: ['activities/**'],
    rules: forbidLayers('activities/ may import domain/ and extensions/ only.', [
      'workflows',
      'temporal',
      'api',
      'web',
      'infra',
    ]),
  },
  {
    files: ['workflows/**'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflows must be deterministic: no Node built-ins. Do I/O in an activity.',
          })),
          patterns: [
            {
              regex: into('activities'),
              allowTypeImports: true,
              message: 'Workflows import activity *types* only (import type …).',
            },
            {
              regex: into('temporal', 'api', 'web', 'infra', 'extensions'),
              message: 'workflows/ may import domain/ and activity types only.',
            },
            { group: ioPackages, message: 'Workflows must not do I/O: call an activity.' },
          ],
        },
      ],
    },
  },
  {
    files: ['temporal/**'],
    rules: forbidLayers('temporal/ must not import the API or the web app.', ['api', 'web']),
  },
  {
    files: ['api/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.{1,2}/)+activities/(?!store/)',
              message: 'api/ reads through activities/store only; side effects go through workflows.',
            },
            {
              regex: into('workflows', 'web', 'infra', 'extensions'),
              message: 'api/ talks to workflows through temporal/ (client) only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['web/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: forbidLayers('web/ may import domain/ only, and talks to the API over HTTP.', [
      'activities',
      'workflows',
      'temporal',
      'api',
      'infra',
      'extensions',
    ]),
  },
  {
    files: ['**/*.test.ts', 'tests/**', 'bench/**'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': 'off',
      // Asymmetric matchers (expect.stringMatching…) are typed `any` by vitest.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  prettier,
);
