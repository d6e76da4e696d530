// What an image's build would see and load, checked without Docker: which files of the
// repository are in the build context (.dockerignore), which files and packages an entry module
// loads (its static import graph, as Node's type stripping runs it), and which packages
// `npm ci --omit=dev` installs.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

export const repositoryRoot = resolve(import.meta.dirname, '../..');

/** A .dockerignore's rules, in order: the last rule that matches a path (or a folder above it) decides. */
export function dockerIgnore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const keep = line.startsWith('!');
      const pattern = (keep ? line.slice(1) : line).replace(/^\/+/, '').replace(/\/+$/, '');
      const source = pattern
        .split(/(\*\*\/?|\*|\?)/)
        .map((part) => {
          if (part === '**/' || part === '**') return '(?:.*/)?' + (part === '**' ? '.*' : '');
          if (part === '*') return '[^/]*';
          if (part === '?') return '[^/]';
          return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
        })
        .join('');
      return { keep, pattern: new RegExp(`^${source}$`) };
    });
  return (path: string) => {
    const parts = path.split('/');
    const candidates = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
    let ignored = false;
    for (const rule of rules) {
      if (candidates.some((candidate) => rule.pattern.test(candidate))) ignored = !rule.keep;
    }
    return ignored;
  };
}

export interface ImportGraph {
  /** Repository-relative paths of the files loaded. */
  files: string[];
  /** Packages imported by name (`@scope/name` or `name`), with one file that imports each. */
  packages: Map<string, string>;
  /** Relative imports that point at no file. */
  missing: string[];
  /** Files reached by `new URL('./…', import.meta.url)` only: loaded apart (worker threads). */
  loadedApart: string[];
}

/**
 * The modules a file loads, statically: `import … from`, `export … from`, `import '…'`,
 * `import('…')` with a literal, and `new URL('./…', import.meta.url)` (worker threads).
 * `import type` and `export type` are left out: Node's type stripping erases them.
 */
export function importsOf(source: string): string[] {
  return [...modulesOf(source), ...urlsOf(source)];
}

/** `new URL('./…', import.meta.url)`: files a module loads apart (a worker thread's script). */
function urlsOf(source: string): string[] {
  return [...source.matchAll(/new URL\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g)].map(
    (match) => match[1]!,
  );
}

function modulesOf(source: string): string[] {
  const found: string[] = [];
  const statements = /^[ \t]*(import|export)\b([^;'"]*?)\bfrom\s*['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(statements)) {
    if (/^\s*type\b/.test(match[2] ?? '')) continue;
    found.push(match[3]!);
  }
  for (const match of source.matchAll(/^[ \t]*import\s*['"]([^'"]+)['"]/gm)) found.push(match[1]!);
  for (const match of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(match[1]!);
  for (const match of source.matchAll(
    /new URL\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g,
  )) {
    found.push(match[1]!);
  }
  return found;
}

const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** The import graph from entry files (repository-relative), following our own files only. */
export function importGraph(entries: string[], root = repositoryRoot): ImportGraph {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const missing: string[] = [];
  const imported = new Set<string>(entries);
  const urls = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    if (!/\.(ts|js|mjs)$/.test(file)) continue;
    const source = readFileSync(join(root, file), 'utf8');
    const url = new Set(urlsOf(source));
    for (const specifier of importsOf(source)) {
      if (specifier.startsWith('.')) {
        const target = relative(root, resolve(root, dirname(file), specifier));
        if (existsSync(join(root, target)) && statSync(join(root, target)).isFile()) {
          queue.push(target);
          (url.has(specifier) ? urls : imported).add(target);
        } else missing.push(`${file} → ${specifier}`);
      } else if (!isBuiltin(specifier) && !specifier.startsWith('node:')) {
        const name = packageName(specifier);
        if (!packages.has(name)) packages.set(name, file);
      }
    }
  }
  return {
    files: [...files].sort(),
    packages,
    missing,
    loadedApart: [...urls].filter((file) => !imported.has(file)).sort(),
  };
}

interface Lockfile {
  packages: Record<string, { dev?: boolean; devOptional?: boolean; optional?: boolean }>;
}

/** The packages `npm ci --omit=dev` installs at the top of node_modules, from package-lock.json. */
export function productionPackages(root = repositoryRoot): Set<string> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as Lockfile;
  const names = new Set<string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    const match = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(path);
    if (match && !entry.dev) names.add(match[1]!);
  }
  return names;
}

/** The package.json's `dependencies` (what the project says production needs). */
export function declaredDependencies(root = repositoryRoot): Set<string> {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return new Set(Object.keys(manifest.dependencies ?? {}));
}
