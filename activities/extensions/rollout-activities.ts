import { readFileSync } from 'node:fs';
import type { Act, Actor } from '../../domain/actor.ts';
import { CocagneError } from '../../domain/errors.ts';
import {
  sameJson,
  type CallFigures,
  type ExtensionVersionRecord,
  type ResultDiff,
  type ResultDifference,
  type SelfTestReport,
  type SelfTestResult,
  type StaticCheckReport,
} from '../../domain/extension-rollout.ts';
import { activeFor } from '../../domain/extensions/catalogue.ts';
import type { Localized } from '../../domain/locale.ts';
import { hooks, isHookName } from '../../extensions/hooks/index.ts';
import { inspectModule, ModuleRefused } from '../../extensions/host/module-check.ts';
import type { Mailer } from '../../adapters/messaging/mailer.ts';
import type { GardenRegistry } from '../../adapters/store/garden-registry.ts';
import type { HookAnswer } from './hook-runner.ts';
import type { ExtensionServices } from './services.ts';

/** The largest module accepted (a Go module is about 2.3–3.5 MB). */
export const moduleMaxBytes = 8 * 1024 * 1024;

export interface RolloutActivityDeps {
  extensions: ExtensionServices;
  gardens: GardenRegistry;
  mailer: Mailer;
  publicUrl: string;
  /**
   * Linear memory allowed to a module, in pages, for hooks without limits of their own (the
   * runner's host's limit by default).
   */
  maxPages?: number;
  now?: () => Date;
}

export interface VersionRef {
  gardenId: string;
  name: string;
  version: string;
}

const versionMissing = ({ name, version }: VersionRef) =>
  new CocagneError('not_found', {
    fr: `La version ${version} de l’extension ${name} est introuvable.`,
    en: `Version ${version} of extension ${name} not found.`,
  });

/**
 * The linear memory a module may start with, in 64 KiB pages: the largest its hooks allow (a
 * hook's own `maxPages`, or `defaultPages` for a hook without), since each hook's calls get
 * instances sized for that hook. Unknown hooks count for nothing: they refuse the module anyway.
 */
export function moduleMaxPages(hookNames: readonly string[], defaultPages: number): number {
  const pages = hookNames.filter(isHookName).map((name) => hooks[name].limits?.maxPages ?? defaultPages);
  return pages.length > 0 ? Math.max(...pages) : defaultPages;
}

/** The self-tests' record when no case ran: no test vector, and no golden case for its hooks. */
export const noCaseRan = (hookNames: readonly string[]): Localized => ({
  fr: `Aucun test n’a tourné (aucun vecteur de test, aucun cas de référence du jardin pour ${hookNames.join(', ')}) : une extension sans aucun cas ne peut pas être jugée ; ajoutez des vecteurs de test (test-vectors.json) ou des cas de référence. Jamais activée.`,
  en: `No case ran (no test vector, no golden case of the garden for ${hookNames.join(', ')}): an extension with no case cannot be judged; add test vectors (test-vectors.json) or golden cases. Never activated.`,
});

/** What an answer is for the records: the output, and why the module did not give it, if so. */
const failureText = (answer: HookAnswer) =>
  answer.failure ? `${answer.failure.kind}: ${answer.failure.message}` : undefined;

/** The rollout's side effects: checks, self-tests, the diff, activation, probation, rollback. */
export function createRolloutActivities(deps: RolloutActivityDeps) {
  const { catalogue, runner } = deps.extensions;
  const { records } = catalogue;
  const now = deps.now ?? (() => new Date());
  const pageUrl = (gardenId: string) =>
    `${deps.publicUrl.replace(/\/+$/, '')}/jardins/${encodeURIComponent(gardenId)}/extensions`;

  async function versionOf(ref: VersionRef): Promise<ExtensionVersionRecord> {
    const record = await records.version(ref.gardenId, ref.name, ref.version);
    if (!record) throw versionMissing(ref);
    return record;
  }

  async function emailAdmins(gardenId: string, subject: string, text: string): Promise<void> {
    const garden = await deps.gardens.get(gardenId);
    if (!garden) return;
    await deps.mailer.send({
      to: garden.contactEmail,
      subject,
      text: `Bonjour,\n\n${text}\n\nÀ voir sur la page des extensions : ${pageUrl(gardenId)}\n\n— Cocagne, ${garden.name}`,
    });
  }

  return {
    /**
     * (2) The static checks: the hooks exist and are exported, allowed imports only, size, and
     * memory at start within what its hooks allow (`moduleMaxPages`).
     */
    async checkExtensionVersion(ref: VersionRef): Promise<{ passed: boolean }> {
      const record = await versionOf(ref);
      if (record.staticCheck) return { passed: record.staticCheck.passed };
      const bytes = await catalogue.moduleBytes(record.contentHash);
      const unknownHooks = record.manifest.hooks.filter((hook) => !isHookName(hook));
      const exportsWanted = record.manifest.hooks.filter(isHookName).map((hook) => hooks[hook].exportName);
      let report: StaticCheckReport;
      try {
        const maxPages = moduleMaxPages(record.manifest.hooks, deps.maxPages ?? runner.host.limits.maxPages);
        const inspected = inspectModule(bytes, exportsWanted, maxPages);
        report = {
          passed: false,
          sizeBytes: bytes.byteLength,
          maxBytes: moduleMaxBytes,
          forbiddenImports: inspected.forbiddenImports,
          missingExports: inspected.missingExports,
          memoryProblems: inspected.memoryProblems,
          unknownHooks,
        };
      } catch (error) {
        report = {
          passed: false,
          sizeBytes: bytes.byteLength,
          maxBytes: moduleMaxBytes,
          forbiddenImports: [],
          missingExports: [],
          memoryProblems: [
            error instanceof ModuleRefused || error instanceof Error ? error.message : String(error),
          ],
          unknownHooks,
        };
      }
      report.passed =
        report.sizeBytes <= moduleMaxBytes &&
        report.forbiddenImports.length === 0 &&
        report.missingExports.length === 0 &&
        report.memoryProblems.length === 0 &&
        report.unknownHooks.length === 0 &&
        record.manifest.hooks.length > 0;
      const at = now().toISOString();
      await records.updateVersion(
        ref.gardenId,
        ref.name,
        ref.version,
        { staticCheck: report, ...(report.passed ? {} : { status: 'checks-failed', endedAt: at }) },
        {
          at,
          what: report.passed
            ? { fr: 'Contrôles du module réussis.', en: 'Module checks passed.' }
            : {
                fr: 'Refusée par les contrôles du module : jamais activée.',
                en: 'Refused by the module checks: never activated.',
              },
        },
      );
      return { passed: report.passed };
    },

    /**
     * (3) Self-tests: the module's test vectors and the garden's golden cases for its hooks, run
     * in the sandbox; an answer other than the one expected (or a fallback) fails.
     */
    async selfTestExtensionVersion(
      ref: VersionRef,
    ): Promise<{ passed: boolean; total: number; failed: number }> {
      const record = await versionOf(ref);
      if (record.selfTests) {
        const { passed, total, failed } = record.selfTests;
        return { passed, total, failed };
      }
      const vectors = await catalogue.modules.testVectors(ref.gardenId, ref.name, ref.version);
      const results: SelfTestResult[] = [];
      for (const hook of record.manifest.hooks) {
        const cases = [
          ...(vectors[hook] ?? []).map((vector) => ({ kind: 'vector' as const, ...vector })),
          ...(await records.goldenCases(ref.gardenId, hook)).map((golden) => ({
            kind: 'golden' as const,
            name: golden.name,
            input: golden.input,
            output: golden.output,
          })),
        ];
        for (const testCase of cases) {
          const answer = await runner.runVersion(ref.gardenId, record, hook, testCase.input);
          const failure = failureText(answer);
          results.push({
            kind: testCase.kind,
            hook,
            name: testCase.name,
            passed: !failure && sameJson(answer.output, testCase.output),
            expected: testCase.output,
            actual: answer.output,
            ...(failure ? { failure } : {}),
          });
        }
      }
      const failed = results.filter((result) => !result.passed).length;
      // No case at all proves nothing: such a version must not reach approval, since the release
      // checks (infra/release/checks.ts) fail every release while an active extension has none.
      const report: SelfTestReport = {
        passed: results.length > 0 && failed === 0,
        total: results.length,
        failed,
        results,
      };
      const at = now().toISOString();
      await records.updateVersion(
        ref.gardenId,
        ref.name,
        ref.version,
        { selfTests: report, ...(report.passed ? {} : { status: 'self-tests-failed', endedAt: at }) },
        {
          at,
          what: report.passed
            ? {
                fr: `Tests réussis (${report.total}).`,
                en: `Self-tests passed (${report.total}).`,
              }
            : report.total === 0
              ? noCaseRan(record.manifest.hooks)
              : {
                  fr: `${failed} test(s) sur ${report.total} en échec : jamais activée.`,
                  en: `${failed} of ${report.total} self-test(s) failed: never activated.`,
                },
        },
      );
      return { passed: report.passed, total: report.total, failed };
    },

    /**
     * (4) Before approval: the garden's recent real inputs, its golden cases and each hook's
     * example input, answered by what the garden runs now (active version or built-in) and by
     * the new version; the differences are kept for the admin who decides.
     */
    async compareExtensionVersion(
      ref: VersionRef,
    ): Promise<{ compared: number; changed: number; failed: number }> {
      const record = await versionOf(ref);
      const set = await catalogue.activeSet(ref.gardenId);
      const differences: ResultDifference[] = [];
      let against: string | undefined;
      for (const hook of record.manifest.hooks.filter(isHookName)) {
        const current = activeFor(set, hook);
        if (current && current.name === ref.name) against = current.version;
        const inputs: Array<Pick<ResultDifference, 'source' | 'name' | 'input'>> = [
          ...(await records.recentInputs(ref.gardenId, hook)).map((recent) => ({
            source: 'recent' as const,
            name: recent.at,
            input: recent.input,
          })),
          ...(await records.goldenCases(ref.gardenId, hook)).map((golden) => ({
            source: 'golden' as const,
            name: golden.name,
            input: golden.input,
          })),
          { source: 'example' as const, name: 'example-input.json', input: exampleInput(hook) },
        ];
        for (const item of inputs) {
          const before = current
            ? (await runner.runVersion(ref.gardenId, current, hook, item.input)).output
            : runner.builtIn(hook, item.input);
          const answer = await runner.runVersion(ref.gardenId, record, hook, item.input);
          const failure = failureText(answer);
          differences.push({
            hook,
            ...item,
            before,
            after: answer.output,
            same: !failure && sameJson(before, answer.output),
            ...(failure ? { failure } : {}),
          });
        }
      }
      const diff: ResultDiff = {
        ...(against ? { against } : {}),
        compared: differences.length,
        changed: differences.filter((difference) => !difference.same).length,
        failed: differences.filter((difference) => difference.failure).length,
        differences,
      };
      await records.updateVersion(
        ref.gardenId,
        ref.name,
        ref.version,
        { diff, status: 'awaiting-approval' },
        {
          at: now().toISOString(),
          what: {
            fr: `En attente de validation : ${diff.changed} réponse(s) différente(s) sur ${diff.compared}.`,
            en: `Awaiting approval: ${diff.changed} answer(s) differ out of ${diff.compared}.`,
          },
        },
      );
      return { compared: diff.compared, changed: diff.changed, failed: diff.failed };
    },

    /** Nobody decided for days: the garden's admins are reminded. */
    async remindExtensionApproval(ref: VersionRef): Promise<void> {
      await emailAdmins(
        ref.gardenId,
        `Cocagne : l’extension ${ref.name} ${ref.version} attend votre validation`,
        `La version ${ref.version} de l’extension ${ref.name} a réussi ses contrôles et ses tests. Elle attend qu’un administrateur du jardin la valide ou la refuse.`,
      );
    },

    /** An admin's decision, or a newer upload that replaces a version not activated. */
    async recordExtensionDecision(
      input: VersionRef & {
        decision: 'approved' | 'rejected' | 'superseded';
        act: Act | { at: string; by?: undefined };
        reason?: string;
        by?: string;
      },
    ): Promise<void> {
      const { gardenId, name, version, act } = input;
      const by = act.by ? { by: act.by } : {};
      if (input.decision === 'approved') {
        await records.updateVersion(
          gardenId,
          name,
          version,
          { approval: act as Act },
          {
            at: act.at,
            ...by,
            what: { fr: 'Validée.', en: 'Approved.' },
          },
        );
      } else if (input.decision === 'rejected') {
        await records.updateVersion(
          gardenId,
          name,
          version,
          { status: 'rejected', endedAt: act.at, rejection: { ...(act as Act), reason: input.reason ?? '' } },
          {
            at: act.at,
            ...by,
            what: { fr: `Refusée : ${input.reason ?? ''}`, en: `Rejected: ${input.reason ?? ''}` },
          },
        );
      } else {
        await records.updateVersion(
          gardenId,
          name,
          version,
          { status: 'superseded', endedAt: act.at },
          {
            at: act.at,
            what: {
              fr: `Remplacée par la version ${input.by ?? '?'}, déposée avant toute décision.`,
              en: `Replaced by version ${input.by ?? '?'}, uploaded before any decision.`,
            },
          },
        );
      }
    },

    /** (5) Activation: new calls of the garden use this version. */
    async activateExtensionVersion(
      ref: VersionRef & { probationEndsAt: string },
    ): Promise<{ replaced: string[] }> {
      const { replaced } = await catalogue.activate(ref.gardenId, ref.name, ref.version, {
        at: now().toISOString(),
        probationEndsAt: ref.probationEndsAt,
      });
      runner.forget(ref.gardenId);
      return { replaced: replaced.map((entry) => `${entry.name}@${entry.version}`) };
    },

    /** (6) Probation: the calls and failures of this version and of the one before, every process counted. */
    async probationFigures(
      ref: VersionRef & { previous?: string },
    ): Promise<{ current: CallFigures; previous?: CallFigures }> {
      await runner.flush();
      const current = await records.callFigures(ref.gardenId, ref.name, ref.version);
      if (!ref.previous) return { current };
      return { current, previous: await records.callFigures(ref.gardenId, ref.name, ref.previous) };
    },

    /** Probation over (or cut short by a newer upload): the version stays active. */
    async endExtensionProbation(ref: VersionRef & { early: boolean }): Promise<void> {
      const record = await versionOf(ref);
      if (record.status !== 'probation') return;
      await records.updateVersion(
        ref.gardenId,
        ref.name,
        ref.version,
        { status: 'active' },
        {
          at: now().toISOString(),
          what: ref.early
            ? {
                fr: 'Période d’essai interrompue par le dépôt d’une nouvelle version.',
                en: 'Probation cut short by a newer upload.',
              }
            : { fr: 'Période d’essai terminée sans incident.', en: 'Probation over without trouble.' },
        },
      );
    },

    /**
     * Rolls a version back to the one before (or to the built-in behaviour), and tells the
     * garden's admins when the rollout did it by itself.
     */
    async rollbackExtensionVersion(
      ref: VersionRef & { to?: string; reason: Localized; by?: Actor },
    ): Promise<{ rolledBack: boolean }> {
      const { rolledBack } = await catalogue.rollback(ref.gardenId, ref.name, ref.version, {
        at: now().toISOString(),
        reason: ref.reason,
        ...(ref.by ? { by: ref.by } : {}),
        ...(ref.to ? { to: ref.to } : {}),
      });
      runner.forget(ref.gardenId);
      if (rolledBack && !ref.by) {
        await emailAdmins(
          ref.gardenId,
          `Cocagne : l’extension ${ref.name} ${ref.version} a été désactivée`,
          `La version ${ref.version} de l’extension ${ref.name} échouait trop souvent pendant sa période d’essai : ${ref.reason.fr}\n\n${
            ref.to
              ? `Le jardin utilise de nouveau la version ${ref.to}.`
              : 'Le jardin utilise de nouveau le comportement intégré.'
          }`,
        );
      }
      return { rolledBack };
    },

    /** A hook called from a workflow: its answer is recorded in the workflow's history. */
    async runExtensionHook(input: { gardenId: string; hook: string; input: unknown }): Promise<HookAnswer> {
      return runner.runHook(input.gardenId, input.hook, input.input);
    },
  };
}
export type RolloutActivities = ReturnType<typeof createRolloutActivities>;

/** Each hook's example input, as in `extensions/hooks/<name>/example-input.json`. */
function exampleInput(hook: keyof typeof hooks): unknown {
  const file = new URL(`../../extensions/hooks/${hook}/example-input.json`, import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}
