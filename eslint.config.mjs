import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * The floors of src/, lowest first (docs/architecture.md § Layout): a module may import from its own
 * folder and from folders on lower floors, never from a higher one, so the imports have no cycles
 * between folders. The sandbox stands apart: it imports nothing of the bot.
 */
const FLOORS = [
  ['text', 'state'],
  ['config'],
  ['commands'],
  ['aws'],
  ['slack'],
  ['auth'],
  ['jobs'],
  ['notifications', 'best-practice'],
  ['approvals', 'diagnosis'],
  ['verbs'],
  ['worker'],
  ['listeners'],
  ['wiring'],
  ['playground'],
  ['entry'],
];
const BOT_FOLDERS = FLOORS.flat();
const forbid = (folders, message) => ({
  'no-restricted-imports': ['error', { patterns: folders.map((f) => ({ group: [`**/${f}`, `**/${f}/**`], message })) }],
});
const layerRules = [
  ...FLOORS.map((floor, i) => ({
    files: floor.map((f) => `src/${f}/**/*.ts`),
    rules: forbid(
      FLOORS.slice(i + 1).flat(),
      'That folder sits on a higher floor: move the shared piece down (docs/architecture.md § Layout).',
    ),
  })),
  {
    files: ['src/sandbox/**/*.ts'],
    rules: forbid(BOT_FOLDERS, 'The sandbox is a stand-in AWS account: it imports nothing of the bot.'),
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.serverless/**', 'coverage/**', '*.js'] },
  { languageOptions: { globals: { ...globals.node } } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read process.env only in src/entry/ (docs/architecture.md).' },
      ],
    },
  },
  ...layerRules,
  {
    files: ['src/entry/**', 'test/**', 'testbed/**', 'bench/**', 'scripts/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
