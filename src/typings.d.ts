// Module-level declarations for assets the bundler resolves.

declare module '*.svg' {
  const value: string;
  export default value;
}

// Used once, in version.ts, to read package.json (the one version source) at build time.
declare function require(id: string): unknown;
