// @ts-check
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Specs may also use the test harness (libs/testing); production code may not.
const boundaries = (extraForTests) => ({
  enforceBuildableLibDependency: false,
  // Test tooling (vitest) is a workspace dev dependency, not each project's.
  banTransitiveDependencies: extraForTests.length === 0,
  allow: [],
  depConstraints: [
    { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
    { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts', ...extraForTests] },
    { sourceTag: 'type:webclient', onlyDependOnLibsWithTags: [] },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:webclient'] },
    {
      sourceTag: 'type:service',
      onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:webclient', ...extraForTests],
    },
    {
      sourceTag: 'type:tool',
      onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:testing'],
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'var/**',
      'recordings/**',
      '**/*.mjs',
      '**/*.cjs',
      '**/*.js',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      curly: ['error', 'multi-line'],
      'no-console': 'error',
      '@nx/enforce-module-boundaries': ['error', boundaries([])],
    },
  },
  {
    // Subject and stream names are defined once, in libs/contracts.
    files: ['services/**/*.ts', 'libs/platform/**/*.ts', 'tools/**/*.ts', 'libs/testing/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'Literal[value=/^(talkrec\\.|TALKREC_(EVENTS|JOBS|COMMANDS|DLQ|HPB)|talkrec_(recordings|rooms|calls|rules|uploads|leases|media)$)/]',
          message: 'Subject, stream and bucket names live in libs/contracts.',
        },
        {
          selector:
            'TemplateLiteral > TemplateElement[value.raw=/^(talkrec\\.|TALKREC_(EVENTS|JOBS|COMMANDS|DLQ|HPB))/]',
          message: 'Subject, stream and bucket names live in libs/contracts.',
        },
      ],
    },
  },
  {
    // Benchmarks measure a service against the real servers the harness starts, as its tests do.
    files: ['**/*.spec.ts', '**/test/**/*.ts', '**/src/bench/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(['type:testing'])],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      // Test handlers implement async interfaces with constant answers.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Every project's vitest config shares the workspace's settings by a relative import.
    files: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // Command-line tools print to the terminal on purpose.
    files: ['tools/**/*.ts', '**/cli/**/*.ts', 'libs/testing/src/bin/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
