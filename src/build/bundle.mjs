#!/usr/bin/env node
// Builds dist/ with esbuild:
//   dist/entrypoint.cjs   the CLI: core, built-in plugins and tapable, one CommonJS file
//   dist/vendor/*.cjs     the heavy libraries (nunjucks, js-yaml, dotenv), one file each
//   dist/index.cjs        the package's public API (for plugins and hook files)
// Why the vendor files: V8 must parse every byte of a file it loads, and these libraries are
// two thirds of the CLI's code; a container start that renders no template and reads no YAML
// should not pay for them. Plugin code imports them as usual (`require('nunjucks')`, also
// subpaths such as `nunjucks/src/transformer`); the build turns each such import into a lookup
// in the vendor file, which bundles every subpath the CLI uses, so the library's modules exist
// once (its classes stay the same classes).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const dist = join(root, 'dist');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const VENDORED = ['nunjucks', 'js-yaml', 'dotenv'];
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', legalComments: 'none' };

/** The vendored package an import path belongs to, if any. */
function vendorOf(path) {
  return VENDORED.find((pkg) => path === pkg || path.startsWith(`${pkg}/`));
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
  outfile: join(dist, 'entrypoint.cjs'),
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

// 3. The public API (types come from tsc).
await build({
  ...common,
  entryPoints: [join(root, 'src/index.ts')],
  outfile: join(dist, 'index.cjs'),
  external: ['koffi', 'esbuild', 'tapable'],
});
