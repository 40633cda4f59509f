import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/vscode-host-selftest/**', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
      // Prettier wraps code at 140 columns but never splits a string; this keeps long literals readable too
      // (regular expressions that spell out a whole expected message are the exception).
      'max-len': ['error', { code: 160, ignoreRegExpLiterals: true, ignoreUrls: true }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/services/**/*.ts', 'src/flows/**/*.ts', 'src/lib/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'core, services, flows and cli must not depend on vscode (GUIDE.md).' }] }],
    },
  },
);
