import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** What is worth compressing: text files above one packet. */
const compressible = /\.(js|css|html|svg|json|txt|webmanifest)$/;
const smallestWorthIt = 1024;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(path) : Promise.resolve([path]);
    }),
  );
  return nested.flat();
}

/** Writes `.br` and `.gz` next to each built file, once, at build time. */
export async function precompressDirectory(
  dir: string,
): Promise<{ files: number; before: number; after: number }> {
  let files = 0;
  let before = 0;
  let after = 0;
  for (const path of await filesUnder(dir)) {
    if (!compressible.test(path) || (await stat(path)).size < smallestWorthIt) continue;
    const content = await readFile(path);
    const [br, gz] = await Promise.all([
      brotli(content, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
        },
      }),
      gzipAsync(content, { level: constants.Z_BEST_COMPRESSION }),
    ]);
    await Promise.all([writeFile(`${path}.br`, br), writeFile(`${path}.gz`, gz)]);
    files += 1;
    before += content.length;
    after += br.length;
  }
  return { files, before, after };
}

/**
 * Vite plugin: after the build, every text asset gets its brotli and gzip forms, which the API
 * serves to browsers that accept them (a phone on a slow link downloads about a quarter).
 */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'cocagne-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      const { files, before, after } = await precompressDirectory(outDir);
      this.info(
        `precompressed ${files} files: ${Math.round(before / 1024)} KiB → ${Math.round(after / 1024)} KiB (brotli)`,
      );
    },
  };
}
