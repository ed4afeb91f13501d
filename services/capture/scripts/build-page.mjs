// Builds the call-view page into dist/page/ (index.html + app.js): type-checks it with its own DOM
// tsconfig (esbuild does not), then bundles it with esbuild. `--outdir <dir>` builds elsewhere (tests).
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const capture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const app = path.join(capture, 'src/page/app');
const flag = process.argv.indexOf('--outdir');
const outdir = flag > 0 ? path.resolve(process.argv[flag + 1]) : path.join(capture, 'dist/page');

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(app, 'tsconfig.json')], { stdio: 'inherit' });

await mkdir(outdir, { recursive: true });
await build({
  entryPoints: [path.join(app, 'main.ts')],
  outfile: path.join(outdir, 'app.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'chrome120',
  tsconfig: path.join(app, 'tsconfig.json'),
  logLevel: 'warning',
});
await copyFile(path.join(app, 'index.html'), path.join(outdir, 'index.html'));
