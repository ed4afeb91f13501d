import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

let bundled: Promise<string> | undefined;

/** The participant page as one script, bundled once per process from its source (or compiled) file. */
export function participantPageScript(): Promise<string> {
  bundled ??= bundle();
  return bundled;
}

async function bundle(): Promise<string> {
  const source = ['ts', 'js']
    .map((ext) => fileURLToPath(new URL(`./page/participant-page.${ext}`, import.meta.url)))
    .find((file) => existsSync(file));
  if (!source) throw new Error('participant page source not found');
  const result = await build({
    entryPoints: [source],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
