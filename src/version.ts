/**
 * The front end's version, read from package.json at build time: package.json is the
 * one version source (pyproject.toml reads it too), so the handshake can compare it
 * with the version the server extension reports.
 */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const pkg = require('../package.json') as { version: string };

export const VERSION: string = pkg.version;
