/**
 * Turning compiled code into a module, and a thrown error back into a place in the hook's
 * source. The code is compiled under the hook's own path, so its `require` resolves packages
 * from the hook's directory and every stack frame names the hook file.
 */
import Module, { SourceMap } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileFunction } from 'node:vm';
import { API_MODULE, type CompiledHook } from './compile';

const WRAPPER_PARAMS = ['exports', 'require', 'module', '__filename', '__dirname'];

/**
 * Runs the compiled code and returns its exports. `api` answers `require('pid1')`: a hook needs
 * no copy of the package, and gets the API of the entrypoint that runs it.
 *
 * vm.compileFunction with our own `require`, rather than Module's private `_compile`, whose
 * signature changes between Node versions. The code holds no `import()`: compile.ts has esbuild
 * turn them into `require` (vm's own import() support is experimental and warns).
 */
export function loadCompiledHook(hook: CompiledHook, api: () => unknown): Record<string, unknown> {
  const mod = new Module(hook.file);
  mod.filename = hook.file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(hook.file));
  const load = Module.createRequire(hook.file);
  const hookRequire = Object.assign((id: string) => (id === API_MODULE ? api() : load(id)), load);
  const wrapper = compileFunction(hook.code, WRAPPER_PARAMS, { filename: hook.file });
  wrapper.call(mod.exports, mod.exports, hookRequire, mod, hook.file, dirname(hook.file));
  mod.loaded = true;
  return mod.exports as Record<string, unknown>;
}

/** A place in a source file. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/**
 * The source location of the first stack frame of `err` that lies in the hook's compiled code,
 * mapped through its source map (so a TypeScript hook reports its own lines).
 */
export function locateError(err: unknown, hook: CompiledHook): SourceLocation | undefined {
  const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack : '';
  const needle = `${hook.file}:`;
  for (const line of stack.split('\n').slice(1)) {
    const at = line.indexOf(needle);
    if (at < 0) continue;
    const m = /^(\d+):(\d+)/.exec(line.slice(at + needle.length));
    if (!m) continue;
    return mapLocation(hook, Number(m[1]), Number(m[2]));
  }
  return undefined;
}

/** Generated line:column (1-based) to the original source's. */
export function mapLocation(hook: CompiledHook, line: number, column: number): SourceLocation {
  try {
    const map = new SourceMap(JSON.parse(hook.map));
    const entry = map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    if (entry.originalSource !== undefined && entry.originalLine !== undefined) {
      return { file: sourcePath(entry.originalSource, hook.mapDir), line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
    }
  } catch {
    // An unreadable map: report the generated position rather than nothing.
  }
  return { file: hook.file, line, column };
}

function sourcePath(source: string, dir: string): string {
  if (source.startsWith('file://')) return fileURLToPath(source);
  return isAbsolute(source) ? source : resolve(dir, source);
}
