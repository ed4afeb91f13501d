import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { formatTable, parseMetricLine, type Metric } from './metric.js';

/**
 * `npm run bench [-- --only <prefix>]`: runs every project's benchmark (`<project>/dist/bench/<name>.bench.js`), one
 * after another so they do not disturb each other, passes each figure through as a JSON line as it
 * comes, and ends with a table. A bench skips figures outside BENCH_ONLY itself.
 */
const WORKSPACE = path.resolve(import.meta.dirname, '../../..');
const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '') : '';

function benchFiles(): string[] {
  const files: string[] = [];
  for (const group of ['services', 'tools']) {
    for (const project of readdirSync(path.join(WORKSPACE, group))) {
      const dir = path.join(WORKSPACE, group, project, 'dist', 'bench');
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir).sort()) if (f.endsWith('.bench.js')) files.push(path.join(dir, f));
    }
  }
  return files;
}

async function run(file: string, collected: Metric[]): Promise<number> {
  const child = spawn(process.execPath, [file], {
    env: { ...process.env, BENCH_ONLY: only },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const metric = parseMetricLine(line);
    if (!metric) {
      process.stderr.write(`${line}\n`);
      continue;
    }
    if (only && !metric.metric.startsWith(only)) continue;
    collected.push(metric);
    process.stdout.write(`${JSON.stringify(metric)}\n`);
  }
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

const collected: Metric[] = [];
let failures = 0;
for (const file of benchFiles()) {
  process.stderr.write(`# ${path.relative(WORKSPACE, file)}\n`);
  const code = await run(file, collected);
  if (code !== 0) {
    failures++;
    process.stderr.write(`# ${path.relative(WORKSPACE, file)} exited with ${code}\n`);
  }
}
process.stdout.write(`\n${formatTable(collected)}\n`);
process.exitCode = failures ? 1 : 0;
