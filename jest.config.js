const jestJupyterLab = require('@jupyterlab/testing/lib/jest-config');

const baseConfig = jestJupyterLab(__dirname);

module.exports = {
  ...baseConfig,
  automock: false,
  roots: ['<rootDir>/src'],
  modulePathIgnorePatterns: [
    '<rootDir>/.venv',
    '<rootDir>/rsconnect_lab',
    '<rootDir>/ui-tests'
  ],
  // Only the console reporter: no junit files in the tree.
  reporters: ['default'],
  collectCoverageFrom: [
    'src/**/*.{ts,tsx}',
    '!src/**/*.d.ts',
    '!src/**/.ipynb_checkpoints/*'
  ],
  coverageReporters: ['lcov', 'text'],
  testRegex: 'src/.*/.*.spec.ts[x]?$',
  transform: {
    ...baseConfig.transform,
    // The build's tsconfig.json leaves tests out; compile them with its options.
    '^.+\\.tsx?$': [
      'ts-jest/legacy',
      {
        tsconfig: {
          ...require('./tsconfig.json').compilerOptions,
          composite: false,
          declaration: false,
          incremental: false,
          rootDir: '.',
          types: ['jest', 'node'],
          // Transpile only: `jlpm build` type-checks the sources.
          isolatedModules: true
        }
      }
    ]
  }
};
