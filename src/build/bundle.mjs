#!/usr/bin/env node
// Builds dist/ with esbuild:
//   dist/cli.cjs          the CLI: core, built-in plugins and tapable, one CommonJS file
//   dist/cli.<hash>.cache V8's code cache for it, made by one real start (see src/boot.ts)
//   dist/entrypoint.cjs   what the bin runs: loads cli.cjs with that cache
//   dist/vendor/*.cjs     the heavy libraries (nunjucks, js-yaml, dotenv), one file each
//   dist/index.cjs        the package's public API (for plugins and hook files)
// Why the vendor files: V8 must parse every byte of a file it loads, and these libraries are
// two thirds of the CLI's code; a container start that renders no template and reads no YAML
// should not pay for them. Plugin code imports them as usual (`require('nunjucks')`, also
// subpaths such as `nunjucks/src/transformer`); the build turns each such import into a lookup
// in the vendor file, which bundles every subpath the CLI uses, so the library's modules exist
// once (its classes stay the same classes).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const dist = join(root, 'dist');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const VENDORED = ['nunjucks', 'js-yaml', 'dotenv'];
if (!existsSync(dist)) mkdirSync(dist);
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', legalComments: 'none' };

/** The vendored package an import path belongs to, if any. */
function vendorOf(path) {
  return VENDORED.find((pkg) => path === pkg || path.startsWith(`${pkg}/`));
}

// 0. A clean dist/, but for the test builds of runs in progress (dist/test-PID).
for (const entry of readdirSync(dist, { withFileTypes: true })) {
  if (!/^test-\d+$/.test(entry.name)) rmSync(join(dist, entry.name), { recursive: true, force: true });
}

// 1. The CLI, recording which vendored paths it imports.
const used = new Map(VENDORED.map((pkg) => [pkg, new Set()]));
const vendorShims = {
  name: 'vendor-shims',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const pkg = args.kind === 'entry-point' ? undefined : vendorOf(args.path);
      if (!pkg) return undefined;
      used.get(pkg).add(args.path);
      return { path: args.path, namespace: 'vendor-shim', pluginData: pkg };
    });
    b.onLoad({ filter: /.*/, namespace: 'vendor-shim' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`./vendor/${args.pluginData}.cjs`)})[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
    b.onResolve({ filter: /^\.\/vendor\// }, (args) => ({ path: args.path, external: true }));
  },
};
await build({
  ...common,
  entryPoints: [join(root, 'src/cli.ts')],
  outfile: join(dist, 'cli.cjs'),
  external: ['koffi', 'esbuild'],
  define: { PID1_VERSION: JSON.stringify(version) },
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [vendorShims],
});

// 2. One file per vendored package, exporting each used path.
for (const [pkg, paths] of used) {
  if (paths.size === 0) continue;
  const lines = [...paths].sort().map((p) => `  ${JSON.stringify(p)}: require(${JSON.stringify(p)}),`);
  await build({
    ...common,
    stdin: { contents: `module.exports = {\n${lines.join('\n')}\n};\n`, resolveDir: root, sourcefile: `vendor-${pkg}.js` },
    outfile: join(dist, 'vendor', `${pkg}.cjs`),
    minify: true,
  });
}

// 3. The loader and the code cache. The cache is made by a real start run the way the bin runs
//    it (same V8 flags: V8 rejects a cache made with others).
const bundleHash = createHash('sha256').update(readFileSync(join(dist, 'cli.cjs'))).digest('hex').slice(0, 16);
const cacheName = `cli.${bundleHash}.cache`;
await build({
  ...common,
  entryPoints: [join(root, 'src/boot.ts')],
  outfile: join(dist, 'entrypoint.cjs'),
  define: { PID1_BUNDLE: JSON.stringify('cli.cjs'), PID1_CODE_CACHE: JSON.stringify(cacheName) },
});
const warm = spawnSync(process.execPath, ['--no-memory-reducer', '--', join(dist, 'entrypoint.cjs'), '--', 'true'], {
  env: { PATH: process.env.PATH, PID1_BUILD_CODE_CACHE: join(dist, cacheName) },
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (warm.status !== 0) throw new Error(`the start that makes the code cache failed (${warm.status ?? warm.signal})`);

// 4. The public API (types come from tsc).
await build({
  ...common,
  entryPoints: [join(root, 'src/index.ts')],
  outfile: join(dist, 'index.cjs'),
  external: ['koffi', 'esbuild', 'tapable'],
});
