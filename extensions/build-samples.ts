// Builds the sample extensions (and the host's test modules) from their sources with the
// project's pinned toolchains: AssemblyScript + @extism/as-pdk from npm, Go (GOOS=wasip1) +
// github.com/extism/go-pdk from the Go module proxy. Each folder with an `extension.json` is built
// into its own git-ignored `dist/plugin.wasm`, skipped while the hash of its sources, its manifest
// and the toolchain versions is unchanged.
//
//   node extensions/build-samples.ts            # every sample, built only when changed
//   node extensions/build-samples.ts hostile-loop # named ones only
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const extensionsDir = import.meta.dirname;
const rootDir = resolve(extensionsDir, '..');
/** Real samples (EXTENSIONS-HOOKS) and hostile ones (the host's tests), one folder each. */
export const samplesDir = join(extensionsDir, 'samples');
/** Small modules the host's tests and benchmark use (well-behaved, echo…). */
export const fixturesDir = join(extensionsDir, 'host', 'fixtures');
/**
 * AssemblyScript modules the samples share (the JSON reader and writer), imported by relative
 * path: not a sample (no extension.json), but part of every AssemblyScript sample's sources.
 */
export const assemblyScriptCommonDir = join(samplesDir, 'as-common');

export interface SampleManifest {
  name: string;
  version: string;
  /** The hooks it implements, each exported as a function named after the hook (see README). */
  hooks: string[];
  author: string;
  /** Where its source is published. */
  source: string;
  build: { language: 'assemblyscript'; entry: string } | { language: 'go' };
}

export interface BuiltSample {
  manifest: SampleManifest;
  /** The sample's folder. */
  dir: string;
  wasmPath: string;
  /** SHA-256 of the built module, hex. */
  sha256: string;
  /** Whether this run compiled it (false: up to date). */
  compiled: boolean;
}

/** Go's module and build caches stay in the repository's git-ignored tools folder. */
const goHome = join(rootDir, '.tools', 'go');
export const goEnvironment = (): NodeJS.ProcessEnv => ({
  ...process.env,
  GOOS: 'wasip1',
  GOARCH: 'wasm',
  GOPATH: goHome,
  GOMODCACHE: join(goHome, 'pkg', 'mod'),
  GOCACHE: join(goHome, 'cache'),
  GOFLAGS: '-modcacherw -mod=readonly',
  GOTOOLCHAIN: 'local',
});

const packageVersion = (name: string): string =>
  (
    JSON.parse(readFileSync(join(rootDir, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

let goVersionCache: string | undefined;
function goVersion(): string {
  if (goVersionCache) return goVersionCache;
  const result = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      'Go 1.24+ is needed to build the Go sample extensions (GOOS=wasip1, //go:wasmexport) but `go` was not found: install Go.',
    );
  }
  goVersionCache = result.stdout.trim();
  return goVersionCache;
}

function toolchain(manifest: SampleManifest): string {
  return manifest.build.language === 'go'
    ? goVersion()
    : `assemblyscript ${packageVersion('assemblyscript')}, @extism/as-pdk ${packageVersion('@extism/as-pdk')}`;
}

/** Source files of a sample: everything but dist/, sorted, as paths relative to its folder. */
function sourceFiles(dir: string, under = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(dir, under), { withFileTypes: true })) {
    const path = under ? `${under}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (path !== 'dist') files.push(...sourceFiles(dir, path));
    } else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}

function sourceHash(dir: string, manifest: SampleManifest): string {
  const hash = createHash('sha256');
  hash.update(`build-samples 1\n${toolchain(manifest)}\n`);
  for (const file of sourceFiles(dir)) {
    hash.update(`${file}\n`);
    hash.update(readFileSync(join(dir, file)));
  }
  // A change to the shared modules rebuilds every AssemblyScript sample (any may import them).
  if (manifest.build.language === 'assemblyscript' && existsSync(assemblyScriptCommonDir)) {
    for (const file of sourceFiles(assemblyScriptCommonDir)) {
      hash.update(`../as-common/${file}\n`);
      hash.update(readFileSync(join(assemblyScriptCommonDir, file)));
    }
  }
  return hash.digest('hex');
}

export function readManifest(dir: string): SampleManifest {
  const path = join(dir, 'extension.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as SampleManifest;
  const missing = (['name', 'version', 'hooks', 'author', 'source', 'build'] as const).filter(
    (key) => manifest[key] === undefined,
  );
  if (missing.length) throw new Error(`${relative(rootDir, path)}: missing ${missing.join(', ')}.`);
  if (!['assemblyscript', 'go'].includes(manifest.build.language)) {
    throw new Error(`${relative(rootDir, path)}: build.language must be "assemblyscript" or "go".`);
  }
  return manifest;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`${command} ${args.join(' ')} (in ${relative(rootDir, cwd)}) failed:\n${output}`)),
    );
  });
}

async function compile(dir: string, manifest: SampleManifest, outFile: string): Promise<void> {
  if (manifest.build.language === 'assemblyscript') {
    // env.abort is a host function of ours (a trap with the message); no other `env` import.
    await run(
      process.execPath,
      [
        join(rootDir, 'node_modules', 'assemblyscript', 'bin', 'asc.js'),
        manifest.build.entry,
        '--outFile',
        outFile,
        '--optimize',
        '--runtime',
        'incremental',
      ],
      dir,
      process.env,
    );
  } else {
    await run('go', ['build', '-buildmode=c-shared', '-trimpath', '-o', outFile, '.'], dir, goEnvironment());
  }
}

/** Builds one sample folder unless its stamp says it is up to date. */
export async function buildSample(dir: string): Promise<BuiltSample> {
  const manifest = readManifest(dir);
  const dist = join(dir, 'dist');
  const wasmPath = join(dist, 'plugin.wasm');
  const stampPath = join(dist, 'source-hash');
  const hash = sourceHash(dir, manifest);
  const stamp = existsSync(stampPath) ? readFileSync(stampPath, 'utf8').trim() : undefined;
  let compiled = false;
  if (stamp !== hash || !existsSync(wasmPath)) {
    mkdirSync(dist, { recursive: true });
    // Written aside then renamed: two test processes building at once never read half a module.
    const partial = join(dist, `plugin.${process.pid}.${Date.now()}.wasm`);
    try {
      await compile(dir, manifest, partial);
      renameSync(partial, wasmPath);
    } finally {
      rmSync(partial, { force: true });
    }
    writeFileSync(stampPath, `${hash}\n`);
    compiled = true;
  }
  const sha256 = createHash('sha256').update(readFileSync(wasmPath)).digest('hex');
  return { manifest, dir, wasmPath, sha256, compiled };
}

/** The folders holding an extension.json under the given roots, optionally only the named ones. */
export function sampleDirs(roots: string[] = [samplesDir, fixturesDir], only?: string[]): string[] {
  const dirs: string[] = [];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const entry of readdirSync(root).sort()) {
      const dir = join(root, entry);
      if (statSync(dir).isDirectory() && existsSync(join(dir, 'extension.json'))) {
        if (!only || only.includes(entry)) dirs.push(dir);
      }
    }
  }
  return dirs;
}

/**
 * Builds every sample (or the named ones), AssemblyScript ones in parallel, Go ones one after
 * the other (each go build already uses every core). Throws one error listing every failure.
 */
export async function buildSamples(only?: string[]): Promise<BuiltSample[]> {
  const dirs = sampleDirs(undefined, only);
  if (only) {
    const found = new Set(dirs.map((dir) => dir.split('/').at(-1)));
    const unknown = only.filter((name) => !found.has(name));
    if (unknown.length) throw new Error(`No sample extension named ${unknown.join(', ')}.`);
  }
  const isGo = (dir: string) => readManifest(dir).build.language === 'go';
  const results = await Promise.allSettled(dirs.filter((dir) => !isGo(dir)).map((dir) => buildSample(dir)));
  for (const dir of dirs.filter(isGo)) {
    results.push(
      await buildSample(dir).then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      ),
    );
  }
  const failures = results.filter((result) => result.status === 'rejected');
  if (failures.length) {
    throw new Error(
      failures
        .map((failure) => (failure.reason instanceof Error ? failure.reason.message : String(failure.reason)))
        .join('\n\n'),
    );
  }
  return results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const start = performance.now();
  try {
    const built = await buildSamples(process.argv.length > 2 ? process.argv.slice(2) : undefined);
    const compiled = built.filter((sample) => sample.compiled);
    for (const sample of compiled) console.log(`built ${relative(rootDir, sample.wasmPath)}`);
    console.log(
      `Extension samples: ${compiled.length} built, ${built.length - compiled.length} up to date (${Math.round(performance.now() - start)} ms).`,
    );
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}
