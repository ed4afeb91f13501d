import path from 'node:path';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

const root = import.meta.dirname;

/** Tests run against the libraries' sources, so a change in a lib is seen without a build. */
export const sourceAliases = {
  '@talkrec/contracts': path.join(root, 'libs/contracts/src/index.ts'),
  '@talkrec/platform': path.join(root, 'libs/platform/src/index.ts'),
  '@talkrec/testing': path.join(root, 'libs/testing/src/index.ts'),
  '@talkrec/signaling-web': path.join(root, 'libs/signaling-web/src/index.ts'),
};

/**
 * One shape for every project: unit specs (*.spec.ts) and integration specs (*.int.spec.ts) beside the
 * code they check. Files run one after another: integration specs start real servers and Chromium, and
 * this machine has two cores.
 */
export function projectTestConfig(projectDir: string, extra: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    root: projectDir,
    resolve: { alias: sourceAliases },
    test: {
      include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
      fileParallelism: false,
      testTimeout: 60_000,
      hookTimeout: 120_000,
      reporters: ['default'],
      ...extra,
    },
  });
}
