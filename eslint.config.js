// One lint setup for the whole repository. Beyond the usual checks it enforces the layer
// directions of ARCHITECTURE.md (imports point one way) and keeps workflow code deterministic.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import layerImports from './eslint-rules/layer-imports.js';
import textNotHtml from './eslint-rules/text-not-html.js';

/** Our own rules, under one plugin name (ESLint refuses a plugin defined twice). */
const cocagne = { rules: { 'layer-imports': layerImports, 'text-not-html': textNotHtml } };

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
      // Extension modules: built output, and AssemblyScript sources (compiled by asc, not tsc).
      'extensions/**/dist/',
      'extensions/**/assembly/',
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
    files: ['**/*.ts', '**/*.vue'],
    plugins: { cocagne },
    rules: { 'cocagne/layer-imports': 'error' },
  },
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
            { group: ioPackages, message: 'domain/ is pure: no I/O libraries.' },
            { group: ['vue', 'pinia', 'vue-router'], message: 'domain/ is pure TypeScript.' },
          ],
        },
      ],
    },
  },
  {
    files: ['workflows/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflows must be deterministic: no Node built-ins. Do I/O in an activity.',
          })),
          patterns: [{ group: ioPackages, message: 'Workflows must not do I/O: call an activity.' }],
        },
      ],
    },
  },
  {
    files: ['adapters/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@temporalio/*'],
              message:
                'adapters/ know nothing of Temporal: activities/failures.ts turns their errors into failures.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['web/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // ---- Text people typed is never parsed as HTML (stored XSS) ----
  {
    files: ['web/src/**/*.ts', 'web/src/**/*.vue'],
    ignores: ['**/*.test.ts'],
    plugins: { cocagne },
    rules: { 'cocagne/text-not-html': 'error', 'vue/no-v-html': 'error' },
  },
  {
    files: ['**/*.test.ts', 'tests/**', 'bench/**'],
    rules: {
      'no-restricted-imports': 'off',
      // Asymmetric matchers (expect.stringMatching…) are typed `any` by vitest.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  prettier,
);
