// The images, checked without Docker: hadolint on each Dockerfile; then, read with our own
// parser, what their builds would do: every base pinned by digest, every COPY source in the
// build context, the final stage's command loading only files it copies and production
// packages, `npm ci` accepting the lock as the build runs it, the web image's headers the
// same as the API's, and the route optimiser's pinned packages serving as its image lays them out.
import { execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityHeadersPlugin } from '../../api/plugins/security-headers.ts';
import { testEnvironment } from '../../tests/support/environment.ts';
import { venvBin } from '../local/paths.ts';
import { pythonPackages } from '../local/versions.ts';
import {
  declaredDependencies,
  dockerIgnore,
  importGraph,
  importsOf,
  productionPackages,
  repositoryRoot,
} from './build-context.ts';
import { parseDockerfile, type Dockerfile, type Stage } from './dockerfile.ts';
import { infraCheckersReady, infraCheckersWaitMs } from '../../tests/support/side-lanes.ts';

// The checkers this file runs: `npm test` installs them beside the first tests.
beforeAll(() => infraCheckersReady(), infraCheckersWaitMs);

const run = promisify(execFile);
/** For the tests that start processes: a loaded 2-core machine (npm test) is slow to run them. */
const processTimeout = 120_000;
const imagesDir = import.meta.dirname;
const names = ['api', 'worker', 'web', 'vroom'] as const;
const dockerfiles = Object.fromEntries(
  names.map((name) => [name, parseDockerfile(readFileSync(join(imagesDir, `${name}.Dockerfile`), 'utf8'))]),
) as Record<(typeof names)[number], Dockerfile>;
const ignored = dockerIgnore(readFileSync(join(repositoryRoot, '.dockerignore'), 'utf8'));

/** The repository files a build-context path holds (a folder: every file under it). */
function filesUnder(path: string): string[] {
  const absolute = join(repositoryRoot, path);
  if (!statSync(absolute).isDirectory()) return [path];
  return readdirSync(absolute, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(repositoryRoot, join(entry.parentPath, entry.name)));
}

/**
 * Where a repository file is in a stage, or undefined when no COPY from the build context brings
 * it (or .dockerignore leaves it out). As Docker copies: a folder's contents into the
 * destination, a file to the destination or into it when it is a folder.
 */
function inStage(stage: Stage, file: string): string | undefined {
  if (ignored(file)) return undefined;
  let found: string | undefined;
  for (const copy of stage.copies.filter((step) => step.from === undefined)) {
    for (const source of copy.sources.map((path) => path.replace(/\/$/, ''))) {
      const isFolder = statSync(join(repositoryRoot, source)).isDirectory();
      if (isFolder && file.startsWith(`${source}/`))
        found = `${copy.destination}/${file.slice(source.length + 1)}`;
      if (!isFolder && file === source)
        found = copy.intoFolder ? `${copy.destination}/${basename(source)}` : copy.destination;
    }
  }
  return found;
}

/**
 * A stage's layout in a scratch folder: the given files (links to ours), package.json, and a
 * node_modules holding only the packages `npm ci --omit=dev` installs (links to ours). Node run
 * with --preserve-symlinks resolves from the links, so a package outside that set is missing as
 * it would be in the image.
 */
function productionLayout(label: string, files: string[]): string {
  const scratch = mkdtempSync(join(tmpdir(), `cocagne-image-${label}-`));
  for (const file of [...files, 'package.json']) {
    mkdirSync(dirname(join(scratch, file)), { recursive: true });
    symlinkSync(join(repositoryRoot, file), join(scratch, file));
  }
  for (const pkg of productionPackages()) {
    mkdirSync(dirname(join(scratch, 'node_modules', pkg)), { recursive: true });
    symlinkSync(join(repositoryRoot, 'node_modules', pkg), join(scratch, 'node_modules', pkg));
  }
  return scratch;
}

describe('the Dockerfiles', () => {
  it(
    'pass hadolint with the repository settings (.hadolint.yaml)',
    async () => {
      const hadolint = testEnvironment().HADOLINT_PATH;
      expect(
        hadolint && existsSync(hadolint),
        `hadolint at ${hadolint}: run \`npm test\`, which installs it`,
      ).toBe(true);
      const files = names.map((name) => join(imagesDir, `${name}.Dockerfile`));
      const { stdout } = await run(
        hadolint!,
        ['--config', join(repositoryRoot, '.hadolint.yaml'), '-f', 'json', ...files],
        {
          cwd: repositoryRoot,
        },
      ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
      expect(JSON.parse(stdout)).toEqual([]);
    },
    processTimeout,
  );

  it.each(names)('%s: every base image is pinned by digest, node on the .nvmrc major version', (name) => {
    const nodeMajor = readFileSync(join(repositoryRoot, '.nvmrc'), 'utf8').trim().split('.')[0];
    const stageNames = new Set<string>();
    for (const stage of dockerfiles[name].stages) {
      if (!stageNames.has(stage.image)) {
        expect(stage.image).toMatch(/^[a-z0-9./-]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
        if (stage.image.startsWith('node:'))
          expect(stage.image).toMatch(new RegExp(`^node:${nodeMajor}[.-]`));
      }
      if (stage.name) stageNames.add(stage.name);
    }
  });

  it.each(names)('%s: every COPY source is in the build context, every --from an earlier stage', (name) => {
    const seen: string[] = [];
    for (const stage of dockerfiles[name].stages) {
      for (const copy of stage.copies) {
        if (copy.from !== undefined) {
          expect(seen, `line ${copy.line}`).toContain(copy.from);
          continue;
        }
        for (const source of copy.sources) {
          const path = source.replace(/\/$/, '');
          expect(existsSync(join(repositoryRoot, path)), `line ${copy.line}: ${path}`).toBe(true);
          const kept = filesUnder(path).filter((file) => !ignored(file));
          expect(kept.length, `line ${copy.line}: ${path} is left out by .dockerignore`).toBeGreaterThan(0);
        }
      }
      if (stage.name) seen.push(stage.name);
    }
  });

  it.each(names)('%s: runs as a non-root user, with a health check and its port exposed', (name) => {
    const { final } = dockerfiles[name];
    expect(final.user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    if (name !== 'web') expect(final.user).toBe('1000:1000');
    expect(final.healthcheck).toBeDefined();
    const port = {
      worker: final.env.WORKER_HEALTH_PORT,
      api: final.env.HTTP_PORT,
      web: '8080',
      vroom: final.command?.[final.command.indexOf('--port') + 1],
    }[name];
    expect(final.exposed).toEqual([Number(port)]);
    expect(final.healthcheck!.join(' ')).toContain(name === 'web' ? ':8080/healthz' : '127.0.0.1');
  });

  it.each(['api', 'worker'] as const)(
    '%s: the command loads only files the image holds and production packages',
    (name) => {
      const { final } = dockerfiles[name];
      const [node, entry, ...rest] = final.command ?? [];
      expect([node, rest]).toEqual(['node', []]);
      // The API image also runs the release checks (infra/release/README.md).
      const graph = importGraph(name === 'api' ? [entry!, 'infra/release/checks-server.ts'] : [entry!]);
      expect(graph.missing).toEqual([]);
      const outside = graph.files.filter((file) => inStage(final, file) !== `${final.workdir}/${file}`);
      expect(outside, 'files the command loads that the image does not hold at the same place').toEqual([]);
      const production = productionPackages();
      const declared = declaredDependencies();
      const notProduction = [...graph.packages].filter(([pkg]) => !production.has(pkg) || !declared.has(pkg));
      expect(notProduction, 'packages loaded that `npm ci --omit=dev` leaves out').toEqual([]);
      // Read at run time by name (the rollout's comparison): each hook's example input.
      for (const hook of readdirSync(join(repositoryRoot, 'extensions/hooks'), { withFileTypes: true })) {
        if (!hook.isDirectory()) continue;
        const example = `extensions/hooks/${hook.name}/example-input.json`;
        expect(inStage(final, example), example).toBe(`${final.workdir}/${example}`);
      }
      // package.json says the .ts sources are ES modules.
      expect(inStage(final, 'package.json')).toBe(`${final.workdir}/package.json`);
      expect(final.copies.find((copy) => copy.from === 'dependencies')).toMatchObject({
        sources: ['/app/node_modules'],
        destination: `${final.workdir}/node_modules`,
      });
    },
  );

  it.each(['api', 'worker'] as const)(
    '%s: its modules load with only the production packages beside them',
    async (name) => {
      const { final } = dockerfiles[name];
      const entry = final.command![1]!;
      const graph = importGraph(name === 'api' ? [entry, 'infra/release/checks-server.ts'] : [entry]);
      const scratch = productionLayout(name, graph.files);
      try {
        // Every module but the entry itself, which would start the process, and the worker
        // threads' scripts (their imports are loaded here all the same).
        const modules = graph.files.filter(
          (file) => file !== entry && !graph.loadedApart.includes(file) && /\.(ts|js)$/.test(file),
        );
        expect(graph.loadedApart).toEqual(
          name === 'api'
            ? ['extensions/host/instance-worker.ts']
            : ['extensions/host/instance-worker.ts', 'workflows/index.ts'],
        );
        const script = `for (const m of ${JSON.stringify(modules.map((file) => `./${file}`))}) await import(m);`;
        const { stderr } = await run(
          process.execPath,
          ['--preserve-symlinks', '--input-type=module', '--eval', script],
          { cwd: scratch, env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' } },
        );
        expect(stderr).toBe('');
        expect(modules.length).toBeGreaterThan(100);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    },
    processTimeout,
  );

  it(
    'worker: its build stage makes the workflow bundle with only the production packages',
    async () => {
      const bundleStage = dockerfiles.worker.stages.find((stage) => stage.name === 'workflow-bundle')!;
      const [node, script, ...rest] = bundleStage.instructions
        .find((instruction) => instruction.keyword === 'RUN')!
        .rest.split(' ');
      expect([node, rest]).toEqual(['node', []]);
      const graph = importGraph([script!, 'workflows/index.ts']);
      const scratch = productionLayout(
        'bundle',
        graph.files.filter((file) => !file.startsWith('temporal/dist/')),
      );
      try {
        await run(process.execPath, ['--preserve-symlinks', '--preserve-symlinks-main', script!], {
          cwd: scratch,
          env: { PATH: process.env.PATH ?? '' },
        });
        expect(statSync(join(scratch, 'temporal/dist/workflow-bundle.js')).size).toBeGreaterThan(1_000_000);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    },
    processTimeout,
  );

  it('worker: loads the workflow bundle its build stage makes', () => {
    const { final, stages } = dockerfiles.worker;
    const bundleStage = stages.find((stage) => stage.name === 'workflow-bundle')!;
    const build = bundleStage.instructions.find((instruction) => instruction.keyword === 'RUN')!.rest;
    expect(build).toBe('node temporal/build-workflow-bundle.ts');
    // What the bundle script and the workflows it packs load is in that stage.
    const graph = importGraph(['temporal/build-workflow-bundle.ts', 'workflows/index.ts']);
    const outside = graph.files.filter(
      (file) => file !== 'temporal/dist/workflow-bundle.js' && inStage(bundleStage, file) !== `/app/${file}`,
    );
    expect(outside).toEqual([]);
    expect(readFileSync(join(repositoryRoot, 'temporal/build-workflow-bundle.ts'), 'utf8')).toContain(
      "new URL('./dist/workflow-bundle.js', import.meta.url)",
    );
    expect(final.copies).toContainEqual(
      expect.objectContaining({
        from: 'workflow-bundle',
        sources: ['/app/temporal/dist/workflow-bundle.js'],
        destination: final.env.WORKFLOW_BUNDLE_PATH,
      }),
    );
    expect(final.env).toMatchObject({ WORKER_HEALTH_PORT: '8081', WORKER_HEALTH_HOST: '0.0.0.0' });
  });

  it('web: the build stage holds every file outside web/ that the app imports', () => {
    const build = dockerfiles.web.stages.find((stage) => stage.name === 'build')!;
    const sources = filesUnder('web/src').filter((file) => /\.(ts|vue)$/.test(file) && !ignored(file));
    const outside = new Set<string>();
    for (const file of sources) {
      for (const specifier of importsOf(readFileSync(join(repositoryRoot, file), 'utf8'))) {
        if (!specifier.startsWith('.')) continue;
        const target = relative(repositoryRoot, resolve(repositoryRoot, file, '..', specifier));
        if (!target.startsWith('web/')) outside.add(target);
      }
    }
    expect(outside.size).toBeGreaterThan(0);
    expect([...outside].filter((file) => inStage(build, file) !== `/app/${file}`)).toEqual([]);
    expect(build.instructions.at(-1)).toMatchObject({
      keyword: 'RUN',
      rest: 'node node_modules/vite/bin/vite.js build web',
    });
    expect(existsSync(join(repositoryRoot, 'node_modules/vite/bin/vite.js'))).toBe(true);
    expect(dockerfiles.web.final.copies).toContainEqual(
      expect.objectContaining({ from: 'build', sources: ['/app/web/dist'] }),
    );
  });
});

describe("the images' npm install", () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'cocagne-image-npm-'));
    for (const file of ['package.json', 'package-lock.json'])
      copyFileSync(join(repositoryRoot, file), join(scratch, file));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each([
    ['api', '--omit=dev'],
    ['web', undefined],
  ] as const)(
    '%s: `npm ci` as its build runs it accepts package.json and the lock',
    async (name, omit) => {
      const step = dockerfiles[name].stages[0]!.instructions.find(
        (instruction) => instruction.keyword === 'RUN',
      )!;
      const args = step.rest.split('&&')[0]!.trim().split(/\s+/);
      expect(args.slice(0, 2)).toEqual(['npm', 'ci']);
      if (omit) expect(args).toContain(omit);
      // Only what the lock says is read (--offline --dry-run: nothing downloaded, nothing written);
      // npm ci refuses a lock that does not match package.json.
      const { stdout } = await run('npm', [...args.slice(1), '--dry-run', '--offline'], { cwd: scratch });
      expect(stdout).toMatch(/added \d+ packages/);
      expect(readdirSync(scratch).sort()).toEqual(['package-lock.json', 'package.json']);
    },
    processTimeout,
  );
});

describe('the web image', () => {
  const headersTemplate = readFileSync(join(imagesDir, 'web/cocagne-headers.inc.template'), 'utf8');
  const siteTemplate = readFileSync(join(imagesDir, 'web/cocagne-site.conf.template'), 'utf8');

  it('sends the security headers the API sends for an app served over https', async () => {
    const identity = 'https://auth.jardins-cocagne.example';
    const tiles = 'https://tile.openstreetmap.org';
    const app = Fastify();
    await app.register(securityHeadersPlugin, {
      oidcIssuer: `${identity}/realms/cocagne`,
      publicUrl: 'https://app.jardins-cocagne.example',
      tileUrl: undefined,
    });
    app.get('/', async () => 'ok');
    const answer = await app.inject({ method: 'GET', url: '/' });
    await app.close();
    const fromApi = Object.fromEntries(
      Object.entries(answer.headers)
        .filter(([header]) => !['content-type', 'content-length', 'date', 'connection'].includes(header))
        .map(([header, value]) => [header, String(value)]),
    );
    const fromNginx = Object.fromEntries(
      [...headersTemplate.matchAll(/^add_header\s+(\S+)\s+"([^"]*)"\s+always;$/gm)].map(
        ([, header, value]) => [
          header!.toLowerCase(),
          value!
            .replaceAll('${COCAGNE_IDENTITY_ORIGIN}', identity)
            .replaceAll('${COCAGNE_TILE_SOURCE}', tiles),
        ],
      ),
    );
    expect(fromNginx).toEqual(fromApi);
  });

  it(
    "stops at start when Keycloak's origin is missing or malformed",
    async () => {
      const script = join(imagesDir, 'web/05-cocagne-settings.sh');
      expect(dockerfiles.web.final.copies).toContainEqual(
        expect.objectContaining({
          sources: ['infra/images/web/05-cocagne-settings.sh'],
          destination: '/docker-entrypoint.d',
          intoFolder: true,
        }),
      );
      expect(dockerfiles.web.final.instructions.some((step) => step.rest.startsWith('--chmod=0755 '))).toBe(
        true,
      );
      const start = (env: Record<string, string>) =>
        run('sh', [script], { env: { PATH: process.env.PATH ?? '', ...env } }).then(
          () => 0,
          (error: { code?: number }) => error.code,
        );
      expect(await start({ COCAGNE_IDENTITY_ORIGIN: 'https://auth.jardins-cocagne.example' })).toBe(0);
      expect(await start({})).toBe(1);
      expect(await start({ COCAGNE_IDENTITY_ORIGIN: 'auth.jardins-cocagne.example' })).toBe(1);
      expect(
        await start({
          COCAGNE_IDENTITY_ORIGIN: 'https://auth.example.org',
          COCAGNE_TILE_SOURCE: 'https://x; script-src *',
        }),
      ).toBe(1);
    },
    processTimeout,
  );

  it('keeps hashed assets a year, but never a missing one (a rolling release must not leave a cached 404)', () => {
    const location = (name: string) =>
      new RegExp(`location\\s+${name.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')}\\s*\\{([^}]*)\\}`).exec(
        siteTemplate,
      )?.[1];
    const assets = location('^~ /assets/');
    expect(assets).toContain('add_header Cache-Control "public, max-age=31536000, immutable";');
    // Without `always`, nginx adds it to successful answers only.
    expect(assets).not.toMatch(/immutable"\s+always/);
    expect(assets).toContain('try_files $uri @missing-asset;');
    const missing = location('@missing-asset');
    expect(missing).toContain('add_header Cache-Control "no-store" always;');
    expect(missing).toContain('return 404;');
  });

  it('has every location send those headers, and only COCAGNE_ variables in its templates', () => {
    const locations = [...siteTemplate.matchAll(/^\s*location\s+([^{]+)\{([^}]*)\}/gm)];
    expect(locations.length).toBeGreaterThan(4);
    for (const [, where, body] of locations) {
      if (where!.trim() === '= /healthz') continue;
      expect(body, where).toContain('include /tmp/cocagne-headers.inc;');
    }
    // nginx's entrypoint substitutes only the variables NGINX_ENVSUBST_FILTER lets through.
    const variables = [...`${headersTemplate}${siteTemplate}`.matchAll(/\$\{(\w+)\}/g)].map(
      (match) => match[1],
    );
    expect(new Set(variables)).toEqual(new Set(['COCAGNE_IDENTITY_ORIGIN', 'COCAGNE_TILE_SOURCE']));
    expect(dockerfiles.web.final.env).toMatchObject({
      NGINX_ENVSUBST_OUTPUT_DIR: '/tmp',
      NGINX_ENVSUBST_FILTER: '^COCAGNE_',
    });
  });
});

describe('the route optimiser image', () => {
  const vroom = dockerfiles.vroom;
  const dependencies = vroom.stages.find((stage) => stage.name === 'dependencies')!;
  const requirementsFile = 'infra/images/vroom/requirements.txt';
  const requirements = readFileSync(join(repositoryRoot, requirementsFile), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const python = venvBin('python');

  /** Runs a Python script with the local stack's venv (where pyvroom runs today) and parses its JSON. */
  async function pythonJson<T>(script: string): Promise<T> {
    const { stdout } = await run(python, ['-c', script], { env: { PATH: process.env.PATH ?? '' } });
    return JSON.parse(stdout) as T;
  }

  it(
    "pins pyvroom at the local stack's version and each package it needs on Linux, by its wheel's hash",
    async () => {
      const pinned = requirements.map((line) => {
        const match = /^([A-Za-z0-9._-]+)==(\S+) --hash=sha256:[0-9a-f]{64}$/.exec(line);
        expect(match, line).not.toBeNull();
        return { name: match![1]!.toLowerCase(), version: match![2]! };
      });
      expect(pinned.find((entry) => entry.name === 'pyvroom')?.version).toBe(pythonPackages.pyvroom.version);
      // pip installs only those (--no-deps): they must be pyvroom's whole closure for the image's
      // Python on Linux, markers evaluated as there (tzdata, say, is for Windows only).
      const pythonMinor = /^python:(\d+\.\d+)[.-]/.exec(vroom.final.image)?.[1];
      expect(pythonMinor).toBeDefined();
      const closure = await pythonJson<{ names: string[]; classifiers: string[]; requiresPython: string }>(`
import json
from importlib.metadata import metadata, requires
from pip._vendor.packaging.requirements import Requirement
from pip._vendor.packaging.utils import canonicalize_name
environment = {"python_version": "${pythonMinor}", "python_full_version": "${pythonMinor}.0", "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64", "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}
seen, queue = set(), ["pyvroom"]
while queue:
    name = canonicalize_name(queue.pop())
    if name in seen:
        continue
    seen.add(name)
    for line in requires(name) or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            queue.append(requirement.name)
meta = metadata("pyvroom")
print(json.dumps({"names": sorted(seen), "classifiers": meta.get_all("Classifier"), "requiresPython": meta["Requires-Python"]}))
`);
      expect(pinned.map((entry) => entry.name).sort()).toEqual(closure.names);
      // The base's Python is one pyvroom is made for.
      expect(closure.classifiers).toContain(`Programming Language :: Python :: ${pythonMinor}`);
      // Both stages on the same base; Debian's release the same as node's images.
      expect(new Set(vroom.stages.map((stage) => stage.image)).size).toBe(1);
      expect(vroom.final.image).toMatch(/-slim-bookworm@/);
      expect(dockerfiles.api.final.image).toMatch(/-bookworm-slim@/);
      // The install: exactly the file's wheels, checked against its hashes.
      const install = dependencies.instructions.find((step) => step.keyword === 'RUN')!.rest;
      for (const flag of ['--require-hashes', '--no-deps', '--only-binary=:all:', '--no-cache-dir'])
        expect(install).toContain(flag);
      const copied = dependencies.copies.find((copy) => copy.sources.includes(requirementsFile));
      expect(install).toContain(`-r ${copied?.destination}`);
      expect(install).toContain('python -m venv --without-pip /opt/venv');
    },
    processTimeout,
  );

  it(
    'serves /solve and answers its health check with only the pinned packages, laid out as in the image',
    async () => {
      // The pinned distributions' files, as the venv in the image holds them (links to ours).
      const files = await pythonJson<string[]>(`
import json
from importlib.metadata import distribution
names = ${JSON.stringify(requirements.map((line) => line.split('==')[0]))}
print(json.dumps([str(f) for name in names for f in distribution(name).files if not str(f).startswith("..")]))
`);
      const sitePackages = (
        await pythonJson<string[]>('import json, site; print(json.dumps(site.getsitepackages()))')
      )[0]!;
      const scratch = mkdtempSync(join(tmpdir(), 'cocagne-image-vroom-'));
      const venvRoot = join(scratch, 'opt/venv');
      const libFolder = relative(join(sitePackages, '../../..'), sitePackages); // lib/python3.x/site-packages
      const app = join(scratch, 'app');
      let server: ReturnType<typeof spawn> | undefined;
      try {
        for (const file of files) {
          mkdirSync(dirname(join(venvRoot, libFolder, file)), { recursive: true });
          symlinkSync(join(sitePackages, file), join(venvRoot, libFolder, file));
        }
        // The dependencies stage's steps after the install, run in its WORKDIR (the venv).
        const venvCopy = vroom.final.copies.find((copy) => copy.from === 'dependencies')!;
        expect(venvCopy).toMatchObject({ sources: ['/opt/venv'], destination: '/opt/venv' });
        const [, ...cleanups] = dependencies.instructions.filter((step) => step.keyword === 'RUN');
        expect(cleanups.length).toBeGreaterThan(0);
        expect(dependencies.workdir).toBe('/opt/venv');
        for (const step of cleanups) await run('sh', ['-c', step.rest], { cwd: venvRoot });
        expect(existsSync(join(venvRoot, libFolder, 'pandas/tests'))).toBe(false);
        // The final stage's command, from its WORKDIR, with the file it names where COPY puts it.
        const [command, script, ...args] = vroom.final.command!;
        expect(command).toBe('python');
        expect(inStage(vroom.final, 'infra/local/vroom-service.py')).toBe(`${vroom.final.workdir}/${script}`);
        mkdirSync(app);
        copyFileSync(join(repositoryRoot, 'infra/local/vroom-service.py'), join(app, script!));
        const port = await freePort();
        const portArgs = args.map((arg, index) => (args[index - 1] === '--port' ? String(port) : arg));
        // -S: no site-packages but the image's (PYTHONPATH), nor the venv's others.
        const env = {
          PATH: process.env.PATH ?? '',
          PYTHONPATH: join(venvRoot, libFolder),
          PYTHONDONTWRITEBYTECODE: vroom.final.env.PYTHONDONTWRITEBYTECODE!,
          PYTHONUNBUFFERED: vroom.final.env.PYTHONUNBUFFERED!,
        };
        const started = spawn(python, ['-S', script!, ...portArgs], { cwd: app, env, stdio: 'pipe' });
        server = started;
        const log: string[] = [];
        await new Promise<void>((resolveStart, rejectStart) => {
          started.stderr.on('data', (chunk: Buffer) => {
            log.push(chunk.toString());
            if (log.join('').includes(`:${port}`)) resolveStart();
          });
          started.on('exit', (code) => rejectStart(new Error(`exited ${code}: ${log.join('')}`)));
        });
        // The HEALTHCHECK's command, on the port the server was given.
        const health = vroom.final.healthcheck!;
        expect(health.join(' ')).toContain(`:${args[args.indexOf('--port') + 1]}/health`);
        const [healthCommand, ...healthArgs] = health.map((part) =>
          part.replace(/:\d+\/health/, `:${port}/health`),
        );
        expect(healthCommand).toBe('python');
        await run(python, ['-S', ...healthArgs], { env });
        const answer = await fetch(`http://127.0.0.1:${port}/health`);
        expect(await answer.json()).toMatchObject({
          service: 'cocagne-vroom',
          pyvroom: pythonPackages.pyvroom.version,
        });
        const solved = await fetch(`http://127.0.0.1:${port}/solve`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            vehicles: [{ id: 1, start_index: 0, end_index: 0 }],
            jobs: [
              { id: 1, location_index: 1 },
              { id: 2, location_index: 2 },
            ],
            matrices: {
              car: {
                durations: [
                  [0, 60, 120],
                  [60, 0, 60],
                  [120, 60, 0],
                ],
              },
            },
          }),
        });
        expect(solved.status).toBe(200);
        const solution = (await solved.json()) as { summary: { routes: number; unassigned: number } };
        expect(solution.summary).toMatchObject({ routes: 1, unassigned: 0 });
      } finally {
        server?.kill();
        rmSync(scratch, { recursive: true, force: true });
      }
    },
    processTimeout,
  );
});

/** A TCP port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, rejectPort) => {
    const probe = createServer();
    probe.once('error', rejectPort);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
