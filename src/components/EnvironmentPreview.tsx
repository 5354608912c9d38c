import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { useEffect, useRef, useState } from 'react';

import { IBundlePreview, IEnvironment, IEnvironmentRequest } from '../api';
import { ConnectModel, choiceKey } from '../model';
import { ErrorMessage } from './ErrorMessage';

/** Bytes as a short human size. */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) {
    return '?';
  }
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Where the inspected Python comes from, for people: the running kernel, a
 * kernelspec, or the Jupyter server's own Python (when no kernel or kernelspec
 * of the file resolved); null when the server did not say.
 */
export function interpreterOrigin(
  env: IEnvironment,
  trans: TranslationBundle
): string | null {
  const name = env.kernel_name || '?';
  switch (env.interpreter_source) {
    case 'kernel':
      return env.kernel_name
        ? trans.__('from the running kernel (%1)', env.kernel_name)
        : trans.__('from the running kernel');
    case 'kernelspec':
      return trans.__('from kernelspec %1', name);
    case 'notebook':
      return trans.__('from kernelspec %1, named in the notebook', name);
    case 'server':
      return trans.__("the Jupyter server's Python");
    default:
      return null;
  }
}

/** The bundle preview: every file with its size, and what is left out and why. */
function BundlePreview(props: {
  bundle: IBundlePreview;
  trans: TranslationBundle;
}): JSX.Element {
  const { bundle, trans } = props;
  return (
    <div className="jp-RSConnect-bundle">
      <div className="jp-RSConnect-envMeta">
        {trans._n(
          'Bundle: %1 file, %2 before compression',
          'Bundle: %1 files, %2 before compression',
          bundle.files.length,
          formatSize(bundle.total)
        )}
      </div>
      <table className="jp-RSConnect-files">
        <tbody>
          {bundle.files.map(file => (
            <tr key={file.path}>
              <td className="jp-RSConnect-filePath">{file.path}</td>
              <td className="jp-RSConnect-fileSize">{formatSize(file.size)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {bundle.excluded.length > 0 && (
        <details className="jp-RSConnect-excluded">
          <summary>
            {trans._n(
              '%1 path left out',
              '%1 paths left out',
              bundle.excluded.length
            )}
          </summary>
          <ul>
            {bundle.excluded.map(item => (
              <li key={item.path}>
                <span className="jp-RSConnect-filePath">{item.path}</span>
                {' — '}
                {item.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      {(bundle.warnings ?? []).map((w, i) => (
        <div key={i} className="jp-RSConnect-warning" role="note">
          {w}
        </div>
      ))}
    </div>
  );
}

/** Milliseconds the preview waits after a change of the form before inspecting again. */
export const PREVIEW_DEBOUNCE = 600;

/**
 * The environment and bundle preview for the form's current choices: package
 * source, Python version, packages, pre-flight warnings, the files. While it
 * is open it follows the form (mode, server, app type, extra files), inspecting
 * again a moment after each change; "Inspect again" does it at once.
 *
 * An HTML snapshot publishes no environment: the preview says the notebook is
 * rendered here with the kernel's Python, and lists no packages.
 */
export function EnvironmentPreview(props: {
  model: ConnectModel;
  trans: TranslationBundle;
  choices: Omit<IEnvironmentRequest, 'path'>;
}): JSX.Element {
  const { model, trans, choices } = props;
  const { value, loading, error } = model.environment;
  const [open, setOpen] = useState(false);
  const key = choiceKey(choices);
  const latest = useRef(choices);
  latest.current = choices;
  const inspected = model.environmentChoices;
  const stale = inspected !== null && inspected !== key;
  const inspect = (): void => void model.refreshEnvironment(latest.current);

  useEffect(() => {
    if (!open || inspected === key) {
      return;
    }
    // At once the first time; after a change, once the typing has stopped.
    const timer = setTimeout(
      inspect,
      inspected === null && !loading ? 0 : PREVIEW_DEBOUNCE
    );
    return () => clearTimeout(timer);
  }, [open, key, model.currentPath]);

  const snapshot = choices.mode === 'static';
  const origin = value ? interpreterOrigin(value, trans) : null;
  return (
    <details
      className="jp-RSConnect-environment"
      data-stale={stale ? 'true' : undefined}
      onToggle={event => setOpen((event.target as HTMLDetailsElement).open)}
    >
      <summary>{trans.__('Environment and files')}</summary>
      {loading && <p>{trans.__('Inspecting the environment…')}</p>}
      {stale && !loading && (
        <p className="jp-RSConnect-hint" role="status">
          {trans.__('The form changed: inspecting again…')}
        </p>
      )}
      <ErrorMessage error={error} trans={trans} />
      {value && (
        <div>
          {snapshot ? (
            <div className="jp-RSConnect-snapshotNote">
              {value.interpreter_source === 'server'
                ? trans.__(
                    "HTML snapshot: the notebook is rendered here with the Jupyter server's Python %1 (%2), and only the HTML is published. No packages are published with it.",
                    value.python_version ?? '?',
                    value.python ?? trans.__('unknown interpreter')
                  )
                : trans.__(
                    "HTML snapshot: the notebook is rendered here with the kernel's Python %1 (%2), and only the HTML is published. No packages are published with it.",
                    value.python_version ?? '?',
                    value.python ?? trans.__('unknown interpreter')
                  )}
            </div>
          ) : (
            <div className="jp-RSConnect-envMeta">
              {trans.__(
                'Python %1 · packages from %2',
                value.python_version ?? '?',
                value.source ?? '?'
              )}
            </div>
          )}
          {origin && (
            <div
              className="jp-RSConnect-envMeta jp-RSConnect-interpreter"
              data-source={value.interpreter_source}
              title={value.python}
            >
              {trans.__('Interpreter: %1', origin)}
            </div>
          )}
          {(value.warnings ?? []).map((w, i) => (
            <div key={i} className="jp-RSConnect-warning" role="note">
              {w}
            </div>
          ))}
          {!snapshot && (
            <pre
              className="jp-RSConnect-packages"
              tabIndex={0}
              aria-label={trans.__('Packages')}
            >
              {(value.packages ?? []).join('\n')}
            </pre>
          )}
          {value.bundle && (
            <BundlePreview bundle={value.bundle} trans={trans} />
          )}
        </div>
      )}
      <button
        type="button"
        className="jp-RSConnect-linkButton"
        onClick={inspect}
        disabled={loading}
      >
        {value ? trans.__('Inspect again') : trans.__('Inspect')}
      </button>
    </details>
  );
}
