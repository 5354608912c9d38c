const jestJupyterLab = require('@jupyterlab/testing/lib/jest-config');

const baseConfig = jestJupyterLab(__dirname);

// Packages shipped as ES modules, which jest must transform.
const esModules = [
  '@codemirror',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@jupyter/ydoc',
  '@jupyterlab/',
  '@microsoft',
  'color',
  'exenv-es6',
  'lib0',
  'marked',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

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
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`],
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
