import type { TranslationBundle } from '@jupyterlab/translation';

/** Fill `%1`, `%2`, … from `args`, as JupyterLab's translator does. */
function fill(text: string, args: unknown[], offset = 1): string {
  return text.replace(/%(\d+)/g, (_, n) => String(args[Number(n) - offset]));
}

/**
 * An untranslating bundle for tests: `__` fills `%n` from its arguments; `_n`
 * picks the form by count, with `%1` the count and `%2…` the arguments after it.
 */
export const trans = {
  __: (text: string, ...args: unknown[]) => fill(text, args),
  _n: (one: string, many: string, n: number, ...args: unknown[]) =>
    fill((n === 1 ? one : many).replace('%1', String(n)), args, 2)
} as unknown as TranslationBundle;
