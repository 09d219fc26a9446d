// ESLint flat config: typescript-eslint's recommended rules plus the layer boundaries of docs/architecture.md.
// Why a linter at all: the layering (cli → report → runner → steps → playbook → facts/inventory → transport/config)
// is only real while a tool refuses an import that runs back up.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders a layer must never import from (relative imports only: that is how layers reach each other here). */
const forbidden = {
  kernel: [
    'cli',
    'report',
    'runner',
    'steps',
    'changes',
    'playbook',
    'facts',
    'inventory',
    'transport',
    'config',
    'remote',
    'advise',
  ],
  remote: ['cli', 'report', 'runner', 'steps', 'changes', 'playbook', 'facts', 'inventory', 'transport', 'advise'],
  config: ['cli', 'report', 'runner', 'steps', 'changes', 'playbook', 'facts', 'inventory', 'transport'],
  transport: ['cli', 'report', 'runner', 'steps', 'changes', 'playbook', 'facts', 'inventory'],
  facts: ['cli', 'report', 'runner', 'steps', 'changes', 'playbook', 'inventory'],
  inventory: ['cli', 'report', 'runner', 'steps', 'changes', 'playbook', 'facts'],
  playbook: ['cli', 'report', 'runner', 'steps', 'changes', 'facts'],
  steps: ['cli', 'report', 'runner'],
  changes: ['cli', 'report', 'runner', 'steps', 'playbook', 'inventory', 'advise'],
  runner: ['cli', 'report'],
  report: ['cli'],
  advise: ['cli', 'report', 'runner'],
};

const boundaries = Object.entries(forbidden).map(([layer, banned]) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: banned.map((other) => ({
          group: [`../${other}/*`, `../../${other}/*`],
          message: `src/${layer} must not import from src/${other} (layers only import downwards)`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.lab/**', 'test/kernel/.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // terminal escape sequences are this tool's business: it strips and escapes them
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='process'][callee.property.name='exit']",
          message: 'only src/cli/main.ts exits',
        },
      ],
    },
  },
  { files: ['src/cli/main.ts', 'test/**/*.ts'], rules: { 'no-restricted-syntax': 'off' } },
  ...boundaries,
  {
    files: ['src/**/*.ts'],
    ignores: ['src/report/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'listr2', message: 'only src/report imports listr2' }] },
      ],
    },
  },
);
