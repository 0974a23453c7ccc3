import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Type-aware lint over every package's sources, tests and benchmarks: each package runs `eslint .`
// from its folder, and the project service finds the tsconfig that includes each file.
export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/generated/**', '**/.data/**', '**/dist/**', '**/*.js', '**/*.mjs', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A promise nobody awaits fails where nobody hears it (an unhandled rejection ends the process).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../../*/src/*', '../../../packages/*'], message: 'Import other packages by name, not by path.' },
          ],
        },
      ],
    },
  },
  {
    // Tests and benchmarks read GraphQL answers, untyped JSON whose shape the assertions check.
    files: ['**/test/**', '**/bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
