import { readFileSync } from 'node:fs';

/** talkrec's version (the controller's package version), as the welcome endpoint reports it. */
export const TALKREC_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
