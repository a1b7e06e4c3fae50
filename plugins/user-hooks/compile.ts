/**
 * Hook sources to CommonJS, with esbuild, cached by content. A warm start reads the cache and
 * hashes the inputs; it never loads esbuild (7 ms to require, and its service child).
 *
 * The cache key covers the esbuild version, the build options and the hook's own source; the
 * entry stores every input esbuild read (from `metafile.inputs`: local imports and bundled
 * packages) with its hash, and a hit is used only if they all still match.
 */
import { readFileSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type * as Esbuild from 'esbuild';
import { cacheKey, type Cache } from '../cache';
import type { HookLogger } from './api';

/** The module name a hook imports the entrypoint's API by; answered at load time. */
export const API_MODULE = 'pid1';
const ENTRY_FORMAT = 'pid1-hooks-1';

export interface CompiledHook {
  /** The hook source file. */
  file: string;
  /** CommonJS code, to be compiled under the name `file`. */
  code: string;
  /** The source map, JSON, for mapping stack traces back to the sources. */
  map: string;
  /** Where the map's relative `sources` are relative to. */
  mapDir: string;
}

interface CacheEntry {
  format: string;
  /** [absolute path, content hash] of every input. */
  inputs: [string, string][];
  code: string;
  map: string;
}

/** A compile error, already located: `file:line:column: text`. */
export class HookCompileError extends Error {}

/** esbuild's version, read from its package.json: requiring esbuild itself would start it. */
function esbuildVersion(): string {
  try {
    return (JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Where bundled packages are looked up besides the node_modules above the hook: the image's
 * (the working directory's), NODE_PATH, and the global ones beside this node.
 */
function nodePaths(): string[] {
  const paths = [join(process.cwd(), 'node_modules')];
  for (const p of (process.env.NODE_PATH ?? '').split(delimiter)) if (p) paths.push(resolve(p));
  paths.push(resolve(dirname(process.execPath), '..', 'lib', 'node_modules'));
  return paths;
}

function buildOptions(file: string): Esbuild.BuildOptions {
  const dir = dirname(file);
  return {
    entryPoints: [file],
    absWorkingDir: dir,
    // Never written (write: false); it only anchors the source map's relative paths.
    outfile: join(dir, `${basename(file)}.compiled.cjs`),
    write: false,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    sourcemap: 'external',
    sourcesContent: false,
    metafile: true,
    logLevel: 'silent',
    external: [API_MODULE],
    // `import()` becomes `require`: what stays external is a builtin or the API, both requirable,
    // and code compiled by vm has no loader for import() (load.ts).
    supported: { 'dynamic-import': false },
    nodePaths: nodePaths(),
    // `import.meta.url` in an .mts hook: the hook file's URL (CommonJS has no import.meta).
    define: { 'import.meta.url': '__pid1_hook_url' },
    banner: { js: 'var __pid1_hook_url = require("url").pathToFileURL(__filename).href;' },
  };
}

export class HookCompiler {
  private esbuild: typeof Esbuild | undefined;
  private readonly version = esbuildVersion();

  constructor(private readonly cache: Cache, private readonly log: HookLogger) {}

  /** Compiles (or fetches from the cache) one hook whose source is `source`. */
  async compile(file: string, source: Buffer): Promise<CompiledHook> {
    const options = buildOptions(file);
    const key = cacheKey(ENTRY_FORMAT, this.version, JSON.stringify(options), file, source);
    const mapDir = dirname(file);
    const hit = this.lookup(key);
    if (hit) {
      this.log.debug(`${basename(file)}: compiled code from the cache`);
      return { file, code: hit.code, map: hit.map, mapDir };
    }
    const t0 = performance.now();
    const built = await this.build(file, options);
    const inputs: [string, string][] = [];
    for (const input of Object.keys(built.metafile.inputs)) {
      const path = resolve(mapDir, input);
      try {
        inputs.push([path, cacheKey(readFileSync(path))]);
      } catch {
        // Not a file (a namespace esbuild made up): nothing to validate.
      }
    }
    const entry: CacheEntry = { format: ENTRY_FORMAT, inputs, code: built.code, map: built.map };
    this.cache.set(key, JSON.stringify(entry));
    this.log.debug(`${basename(file)}: compiled with esbuild in ${(performance.now() - t0).toFixed(1)} ms (${inputs.length} inputs)`);
    return { file, code: built.code, map: built.map, mapDir };
  }

  /** Stops esbuild's service child, if it was started: left running it wakes us 5 times a second. */
  async stop(): Promise<void> {
    if (this.esbuild) await this.esbuild.stop();
    this.esbuild = undefined;
  }

  private lookup(key: string): CacheEntry | undefined {
    const raw = this.cache.get(key);
    if (!raw) return undefined;
    let entry: CacheEntry;
    try {
      entry = JSON.parse(raw.toString('utf8')) as CacheEntry;
    } catch {
      return undefined;
    }
    if (entry.format !== ENTRY_FORMAT || !Array.isArray(entry.inputs)) return undefined;
    for (const [path, hash] of entry.inputs) {
      try {
        if (cacheKey(readFileSync(path)) !== hash) return undefined;
      } catch {
        return undefined;
      }
    }
    return entry;
  }

  private async build(file: string, options: Esbuild.BuildOptions): Promise<{ code: string; map: string; metafile: Esbuild.Metafile }> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.esbuild ??= require('esbuild') as typeof Esbuild;
    let result: Esbuild.BuildResult & { outputFiles: Esbuild.OutputFile[]; metafile: Esbuild.Metafile };
    try {
      result = (await this.esbuild.build(options)) as typeof result;
    } catch (err) {
      throw new HookCompileError(describeBuildFailure(file, err));
    }
    const code = result.outputFiles.find((f) => f.path.endsWith('.cjs'))?.text ?? '';
    const map = result.outputFiles.find((f) => f.path.endsWith('.map'))?.text ?? '{"version":3,"sources":[],"mappings":""}';
    return { code, map, metafile: result.metafile };
  }
}

/** esbuild's first error as `file:line:column: text`. */
function describeBuildFailure(file: string, err: unknown): string {
  const first = (err as Esbuild.BuildFailure).errors?.[0];
  if (!first) return `${file}: ${(err as Error).message ?? err}`;
  const loc = first.location;
  const where = loc ? `${isAbsolute(loc.file) ? loc.file : resolve(dirname(file), loc.file)}:${loc.line}:${loc.column + 1}` : file;
  const more = (err as Esbuild.BuildFailure).errors.length - 1;
  return `${where}: ${first.text}${more > 0 ? ` (and ${more} more error${more > 1 ? 's' : ''})` : ''}`;
}
