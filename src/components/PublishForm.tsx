import { TranslationBundle } from '@jupyterlab/translation';
import { HTMLSelect, ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';
import { useEffect, useRef, useState } from 'react';

import {
  IBundlePreview,
  IDeployment,
  IEnvironmentRequest,
  IJob,
  IJobStep,
  IPublishRequest,
  PublishMode,
  isFinal
} from '../api';
import { ConnectModel, deploymentServer, publishableKind } from '../model';
import { Publisher, stepLabel } from '../publish';
import { DeployLog } from './DeployLog';
import { ErrorMessage } from './ErrorMessage';
import { LinkButton } from './LinkButton';
import { basename, dirname, stem, useSignals } from './hooks';

/** Python app modes Connect knows, for `.py` files. */
export const APP_MODES: ReadonlyArray<[string, string]> = [
  ['python-dash', 'Dash'],
  ['python-streamlit', 'Streamlit'],
  ['python-bokeh', 'Bokeh'],
  ['python-shiny', 'Shiny'],
  ['python-panel', 'Panel'],
  ['python-gradio', 'Gradio'],
  ['python-fastapi', 'FastAPI (ASGI)'],
  ['python-api', 'Flask (WSGI)']
];

/** The REST mode of a deployment record (records may hold Connect's app mode). */
export function deploymentMode(deployment: IDeployment): PublishMode | null {
  const mode = (deployment.mode ?? deployment.app_mode ?? '') as string;
  switch (mode) {
    case 'static':
    case 'source':
    case 'voila':
    case 'app':
      return mode;
    case 'jupyter-static':
      return 'source';
    case 'jupyter-voila':
      return 'voila';
    default:
      return mode.startsWith('python-') ? 'app' : null;
  }
}

/** A label for a deployment (target). */
function targetLabel(d: IDeployment, trans: TranslationBundle): string {
  const title = d.title || d.content_guid || trans.__('untitled');
  return d.deployed_at
    ? trans.__('%1 (last published %2)', title, formatDate(d.deployed_at))
    : title;
}

function formatDate(value: string | number): string {
  const date = new Date(typeof value === 'number' ? value * 1000 : value);
  return isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

function newestFirst(a: IDeployment, b: IDeployment): number {
  const time = (d: IDeployment): number =>
    d.deployed_at ? new Date(d.deployed_at).getTime() || 0 : 0;
  return time(b) - time(a);
}

/** The current document's deployments: open content, dashboard, redeploy. */
function Targets(props: {
  model: ConnectModel;
  trans: TranslationBundle;
  onRedeploy: (deployment: IDeployment) => void;
}): JSX.Element | null {
  const { model, trans } = props;
  const { value, loading, error } = model.deployments;
  if (loading && value.length === 0) {
    return <p className="jp-RSConnect-empty">{trans.__('Loading targets…')}</p>;
  }
  if (error) {
    return <ErrorMessage error={error} trans={trans} />;
  }
  if (value.length === 0) {
    return (
      <p className="jp-RSConnect-empty jp-RSConnect-noTargets">
        {trans.__('Not published yet.')}
      </p>
    );
  }
  return (
    <ul
      className="jp-RSConnect-targets"
      aria-label={trans.__('Deployments of this file')}
    >
      {[...value].sort(newestFirst).map(d => (
        <li
          key={`${d.server_url}/${d.content_guid ?? d.title}`}
          className="jp-RSConnect-target"
          data-content-guid={d.content_guid}
        >
          <div className="jp-RSConnect-targetTitle">
            {d.title || d.content_guid}
          </div>
          <div className="jp-RSConnect-serverMeta">
            {deploymentServer(d, model.servers.value)}
            {d.deployed_at ? ' · ' + formatDate(d.deployed_at) : ''}
            {deploymentMode(d) ? ' · ' + deploymentMode(d) : ''}
          </div>
          <div className="jp-RSConnect-serverActions">
            <LinkButton url={d.content_url} label={trans.__('Open content')} />
            <LinkButton
              url={d.dashboard_url}
              label={trans.__('Open dashboard')}
            />
            <button
              type="button"
              className="jp-RSConnect-linkButton"
              onClick={() => props.onRedeploy(d)}
            >
              {trans.__('Redeploy')}
            </button>
          </div>
        </li>
      ))}
    </ul>
  );
}

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

/** The bundle preview: every file with its size, and what is left out and why. */
function BundlePreview(props: {
  bundle: IBundlePreview;
  trans: TranslationBundle;
}): JSX.Element {
  const { bundle, trans } = props;
  return (
    <div className="jp-RSConnect-bundle">
      <div className="jp-RSConnect-serverMeta">
        {trans._n(
          'Bundle: %1 file, %2',
          'Bundle: %1 files, %2',
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

/**
 * The environment and bundle preview for the form's current choices: package
 * source, Python version, packages, pre-flight warnings, the files.
 */
function EnvironmentPreview(props: {
  model: ConnectModel;
  trans: TranslationBundle;
  choices: Omit<IEnvironmentRequest, 'path'>;
}): JSX.Element {
  const { model, trans, choices } = props;
  const { value, loading, error } = model.environment;
  const inspect = (): void => void model.refreshEnvironment(choices);
  return (
    <details
      className="jp-RSConnect-environment"
      onToggle={event => {
        if ((event.target as HTMLDetailsElement).open && !value && !loading) {
          inspect();
        }
      }}
    >
      <summary>{trans.__('Environment and files')}</summary>
      {loading && <p>{trans.__('Inspecting the environment…')}</p>}
      <ErrorMessage error={error} trans={trans} />
      {value && (
        <div>
          <div className="jp-RSConnect-serverMeta">
            {trans.__(
              'Python %1 · packages from %2',
              value.python_version ?? '?',
              value.source ?? '?'
            )}
          </div>
          {(value.warnings ?? []).map((w, i) => (
            <div key={i} className="jp-RSConnect-warning" role="note">
              {w}
            </div>
          ))}
          <pre
            className="jp-RSConnect-packages"
            tabIndex={0}
            aria-label={trans.__('Packages')}
          >
            {(value.packages ?? []).join('\n')}
          </pre>
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

/** A short label of a step's state (also readable without colours). */
function stepStateLabel(state: string, trans: TranslationBundle): string {
  switch (state) {
    case 'done':
    case 'succeeded':
      return '✓';
    case 'failed':
      return '✗';
    case 'cancelled':
      return '⊘';
    case 'running':
      return '…';
    case 'skipped':
      return trans.__('(skipped)');
    default:
      return '·';
  }
}

/** A step's title: translated for the steps we know, else the server's label. */
function stepTitle(step: IJobStep, trans: TranslationBundle): string {
  const known = stepLabel(step.id, trans);
  return known === step.id ? step.label || step.id : capitalize(known);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The state and log of the newest job of the current file. */
function JobView(props: {
  job: IJob;
  model: ConnectModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { job, model, trans } = props;
  const [cancelError, setCancelError] = useState<Error | null>(null);
  const final = isFinal(job.state);
  const ref = useRef<HTMLDivElement>(null);
  // A new job comes into view once, so its progress is visible.
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [job.id]);
  let status: string;
  switch (job.state) {
    case 'succeeded':
      status = trans.__('Published to %1.', job.server);
      break;
    case 'failed':
      status = trans.__(
        'Failed while %1.',
        stepLabel(job.error?.step ?? job.step, trans)
      );
      break;
    case 'cancelled':
      status = trans.__('Cancelled.');
      break;
    case 'queued':
      status = trans.__('Waiting to start…');
      break;
    default:
      status = trans.__('Publishing: %1…', stepLabel(job.step, trans));
  }
  return (
    <div ref={ref} className="jp-RSConnect-job" data-state={job.state}>
      <div
        className={`jp-RSConnect-jobStatus jp-mod-${job.state}`}
        role="status"
      >
        {status}
      </div>
      {job.state === 'failed' && (
        <div className="jp-RSConnect-error jp-RSConnect-jobError" role="alert">
          <div className="jp-RSConnect-errorMessage">
            {job.error?.message ?? trans.__('unknown error')}
          </div>
        </div>
      )}
      <div className="jp-RSConnect-serverActions">
        {!final && (
          <button
            type="button"
            className="jp-Button jp-mod-styled jp-mod-warn jp-RSConnect-cancel"
            onClick={() => {
              setCancelError(null);
              model.cancel(job.id).catch(error => setCancelError(error));
            }}
          >
            {trans.__('Cancel publishing')}
          </button>
        )}
        {job.state === 'succeeded' && (
          <LinkButton url={job.content_url} label={trans.__('Open content')} />
        )}
        <LinkButton
          url={job.dashboard_url}
          label={trans.__('Open dashboard')}
        />
      </div>
      {job.steps && job.steps.length > 0 && (
        <ol className="jp-RSConnect-steps" aria-label={trans.__('Steps')}>
          {job.steps.map(step => (
            <li
              key={step.id}
              className={`jp-RSConnect-step jp-mod-${step.state}`}
              data-step={step.id}
            >
              <span className="jp-RSConnect-stepState">
                {stepStateLabel(step.state, trans)}
              </span>{' '}
              {stepTitle(step, trans)}
              {typeof step.progress === 'number' && step.state === 'running'
                ? ` ${Math.round(step.progress)}%`
                : ''}
              {step.detail ? (
                <span className="jp-RSConnect-stepDetail">
                  {' '}
                  — {step.detail}
                </span>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      <LinkButton
        url={job.error?.logs_url}
        label={trans.__('Open the content logs on Connect')}
      />
      <ErrorMessage error={cancelError} trans={trans} />
      <DeployLog lines={job.log} trans={trans} />
    </div>
  );
}

/**
 * The publish form for one file: server, target (new content or an existing
 * deployment), title, mode, hide input, extra files / entrypoint.
 */
function PublishForm(props: {
  path: string;
  model: ConnectModel;
  trans: TranslationBundle;
  onPublish: (
    options: Omit<Publisher.IOptions, 'model' | 'trans'>
  ) => Promise<unknown>;
  redeploy: IDeployment | null;
  busy: boolean;
}): JSX.Element {
  const { path, model, trans } = props;
  const kind = publishableKind(path);
  const servers = model.servers.value;
  const deployments = model.deployments.value;

  // Undefined means "not chosen by the user": follow the defaults.
  const [server, setServer] = useState<string | undefined>();
  const [target, setTarget] = useState<string | undefined>();
  const [title, setTitle] = useState<string | undefined>();
  const [mode, setMode] = useState<PublishMode | undefined>();
  const [appMode, setAppMode] = useState<string | undefined>();
  const [entrypoint, setEntrypoint] = useState(stem(path));
  const [hideInput, setHideInput] = useState<boolean | undefined>();
  const [extraFiles, setExtraFiles] = useState('');
  const [envVars, setEnvVars] = useState<{ name: string; value: string }[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const firstField = useRef<HTMLSelectElement | null>(null);

  // "Redeploy" on a target fills the form with it.
  useEffect(() => {
    if (props.redeploy) {
      setServer(deploymentServer(props.redeploy, model.servers.value));
      setTarget(props.redeploy.content_guid ?? 'new');
      setTitle(undefined);
      setMode(undefined);
      setAppMode(undefined);
      setHideInput(undefined);
      firstField.current?.focus();
    }
  }, [props.redeploy]);

  const effectiveServer =
    server && servers.some(s => s.name === server)
      ? server
      : (model.defaultServer ?? '');
  const serverTargets = deployments
    .filter(
      d => deploymentServer(d, servers) === effectiveServer && !!d.content_guid
    )
    .sort(newestFirst);
  const effectiveTarget =
    target !== undefined &&
    (target === 'new' || serverTargets.some(d => d.content_guid === target))
      ? target
      : (serverTargets[0]?.content_guid ?? 'new');
  const targetDeployment =
    serverTargets.find(d => d.content_guid === effectiveTarget) ?? null;
  const effectiveTitle =
    title ?? (targetDeployment?.title as string | undefined) ?? stem(path);
  const effectiveMode: PublishMode =
    kind === 'python'
      ? 'app'
      : (mode ??
        (targetDeployment && deploymentMode(targetDeployment)) ??
        (model.settings.defaultMode === 'app'
          ? 'source'
          : model.settings.defaultMode));

  // An app keeps the type it was published with, unless the user picks another.
  const recordedAppMode = targetDeployment?.app_mode;
  const effectiveAppMode =
    appMode ??
    (recordedAppMode && APP_MODES.some(([value]) => value === recordedAppMode)
      ? recordedAppMode
      : 'python-dash');
  const recordedHide = targetDeployment?.hide_input;
  const effectiveHideInput =
    hideInput ?? (recordedHide === 'all' || recordedHide === true);

  const folder = dirname(path);
  const extraFilePaths = extraFiles
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean)
    .map(file => (folder ? `${folder}/${file}` : file));
  const choices: Omit<IEnvironmentRequest, 'path'> = {
    mode: effectiveMode,
    server: effectiveServer || undefined,
    ...(kind === 'python'
      ? {
          app_mode: effectiveAppMode,
          entrypoint: entrypoint.trim() || undefined
        }
      : {}),
    ...(extraFilePaths.length > 0 ? { extra_files: extraFilePaths } : {})
  };

  const onSubmit = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    const request: IPublishRequest = {
      path,
      server: effectiveServer,
      mode: effectiveMode,
      title: effectiveTitle.trim()
    };
    if (targetDeployment?.content_guid) {
      request.content_guid = targetDeployment.content_guid;
    } else if (target === 'new') {
      // Chosen explicitly: publish new content even if the title matches some.
      request.new = true;
    }
    if (kind === 'notebook' && effectiveMode !== 'voila') {
      request.hide_input = effectiveHideInput;
    }
    if (kind === 'python') {
      request.app_mode = effectiveAppMode;
      if (entrypoint.trim()) {
        request.entrypoint = entrypoint.trim();
      }
    }
    if (extraFilePaths.length > 0) {
      request.extra_files = extraFilePaths;
    }
    const vars = envVars.filter(v => v.name.trim());
    if (vars.length > 0) {
      request.env_vars = Object.fromEntries(
        vars.map(v => [v.name.trim(), v.value])
      );
    }
    setSubmitting(true);
    try {
      const job = await props.onPublish({
        request,
        existingTitle: (targetDeployment?.title as string | undefined) ?? null
      });
      if (job) {
        // Values of environment variables are sent once, never kept.
        setEnvVars([]);
      }
    } catch (err) {
      setError(err as Error);
    } finally {
      setSubmitting(false);
    }
  };

  if (servers.length === 0) {
    return (
      <p className="jp-RSConnect-empty">
        {trans.__('Add a Connect server above to publish %1.', basename(path))}
      </p>
    );
  }

  const disabled = props.busy || submitting;
  return (
    <form
      className="jp-RSConnect-publishForm"
      aria-label={trans.__('Publish %1', basename(path))}
      onSubmit={onSubmit}
    >
      <label className="jp-RSConnect-field">
        <span>{trans.__('Server')}</span>
        <HTMLSelect
          elementRef={node => {
            firstField.current = node;
          }}
          name="server"
          value={effectiveServer}
          onChange={event => {
            setServer(event.target.value);
            setTarget(undefined);
          }}
        >
          {servers.map(s => (
            <option key={s.name} value={s.name}>
              {s.name}
            </option>
          ))}
        </HTMLSelect>
      </label>
      <label className="jp-RSConnect-field">
        <span>{trans.__('Target')}</span>
        <HTMLSelect
          name="target"
          value={effectiveTarget}
          onChange={event => {
            setTarget(event.target.value);
            setTitle(undefined);
            setMode(undefined);
          }}
        >
          <option value="new">{trans.__('New content')}</option>
          {serverTargets.map(d => (
            <option key={d.content_guid} value={d.content_guid}>
              {trans.__('Update: %1', targetLabel(d, trans))}
            </option>
          ))}
        </HTMLSelect>
      </label>
      <label className="jp-RSConnect-field">
        <span>{trans.__('Title')}</span>
        <input
          className="jp-mod-styled"
          name="title"
          type="text"
          required
          minLength={3}
          maxLength={1024}
          value={effectiveTitle}
          onChange={event => setTitle(event.target.value)}
        />
      </label>
      {kind === 'notebook' ? (
        <label className="jp-RSConnect-field">
          <span>{trans.__('Publish as')}</span>
          <HTMLSelect
            name="mode"
            value={effectiveMode}
            onChange={event => setMode(event.target.value as PublishMode)}
          >
            <option value="static">{trans.__('HTML snapshot')}</option>
            <option value="source">{trans.__('Notebook with source')}</option>
            <option value="voila">{trans.__('Voilà dashboard')}</option>
          </HTMLSelect>
        </label>
      ) : (
        <>
          <label className="jp-RSConnect-field">
            <span>{trans.__('App type')}</span>
            <HTMLSelect
              name="app_mode"
              value={effectiveAppMode}
              onChange={event => setAppMode(event.target.value)}
            >
              {APP_MODES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </HTMLSelect>
          </label>
          <label className="jp-RSConnect-field">
            <span>{trans.__('Entrypoint')}</span>
            <input
              className="jp-mod-styled"
              name="entrypoint"
              type="text"
              placeholder={`${stem(path)}:app`}
              value={entrypoint}
              onChange={event => setEntrypoint(event.target.value)}
            />
          </label>
        </>
      )}
      {kind === 'notebook' && effectiveMode !== 'voila' && (
        <label className="jp-RSConnect-check">
          <input
            type="checkbox"
            name="hide_input"
            checked={effectiveHideInput}
            onChange={event => setHideInput(event.target.checked)}
          />
          <span>{trans.__('Hide code cells (show output only)')}</span>
        </label>
      )}
      <label className="jp-RSConnect-field">
        <span>
          {trans.__('Extra files (one per line, in the folder of the file)')}
        </span>
        <textarea
          className="jp-mod-styled"
          name="extra_files"
          rows={2}
          value={extraFiles}
          onChange={event => setExtraFiles(event.target.value)}
        />
      </label>
      <fieldset className="jp-RSConnect-envVars">
        <legend>{trans.__('Environment variables')}</legend>
        {envVars.map((v, index) => (
          <div key={index} className="jp-RSConnect-envVar">
            <input
              className="jp-mod-styled"
              aria-label={trans.__('Variable name')}
              placeholder={trans.__('NAME')}
              pattern="[A-Za-z_][A-Za-z0-9_]*"
              value={v.name}
              onChange={event =>
                setEnvVars(
                  envVars.map((w, i) =>
                    i === index ? { ...w, name: event.target.value } : w
                  )
                )
              }
            />
            <input
              className="jp-mod-styled"
              aria-label={trans.__('Variable value')}
              placeholder={trans.__('value')}
              type="password"
              autoComplete="off"
              value={v.value}
              onChange={event =>
                setEnvVars(
                  envVars.map((w, i) =>
                    i === index ? { ...w, value: event.target.value } : w
                  )
                )
              }
            />
            <button
              type="button"
              className="jp-RSConnect-linkButton"
              aria-label={trans.__('Remove variable %1', v.name)}
              onClick={() => setEnvVars(envVars.filter((_, i) => i !== index))}
            >
              {trans.__('Remove')}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="jp-RSConnect-linkButton"
          onClick={() => setEnvVars([...envVars, { name: '', value: '' }])}
        >
          {trans.__('Add variable')}
        </button>
        {envVars.length > 0 && (
          <div className="jp-RSConnect-hint">
            {trans.__(
              'Values are sent to Connect with this publish and never stored here.'
            )}
          </div>
        )}
      </fieldset>
      <EnvironmentPreview model={model} trans={trans} choices={choices} />
      <ErrorMessage error={error} trans={trans} />
      <div className="jp-RSConnect-buttons">
        <button
          type="submit"
          className="jp-Button jp-mod-styled jp-mod-accept jp-RSConnect-publishButton"
          disabled={disabled || !effectiveServer}
        >
          {disabled
            ? trans.__('Publishing…')
            : effectiveTarget === 'new'
              ? trans.__('Publish')
              : trans.__('Update')}
        </button>
      </div>
    </form>
  );
}

/** The whole "Publish" section: file, targets, form and the job's log. */
export function PublishPanel(props: {
  model: ConnectModel;
  trans: TranslationBundle;
  onPublish: (
    options: Omit<Publisher.IOptions, 'model' | 'trans'>
  ) => Promise<unknown>;
}): JSX.Element {
  const { model, trans } = props;
  useSignals([
    model.currentPathChanged,
    model.serversChanged,
    model.deploymentsChanged,
    model.environmentChanged,
    model.settingsChanged,
    model.jobChanged
  ]);
  const [redeploy, setRedeploy] = useState<IDeployment | null>(null);
  const path = model.currentPath;
  if (!path) {
    return (
      <div className="jp-RSConnect-publish">
        <p className="jp-RSConnect-empty">
          {trans.__(
            'Open a notebook or a Python file, or right-click one in the file browser and choose "Publish to Connect".'
          )}
        </p>
      </div>
    );
  }
  const job = model.latestJob(path);
  const running = !!job && !isFinal(job.state);
  return (
    <div className="jp-RSConnect-publish" data-path={path}>
      <div className="jp-RSConnect-file" title={path}>
        {basename(path)}
      </div>
      {job && <JobView job={job} model={model} trans={trans} />}
      <h3 className="jp-RSConnect-subtitle">{trans.__('Deployments')}</h3>
      <Targets
        model={model}
        trans={trans}
        onRedeploy={d => setRedeploy({ ...d })}
      />
      <h3 className="jp-RSConnect-subtitle">
        {trans.__('Target and options')}
      </h3>
      <PublishForm
        key={path}
        path={path}
        model={model}
        trans={trans}
        onPublish={props.onPublish}
        redeploy={redeploy}
        busy={running}
      />
    </div>
  );
}

/** The "Publish" section of the sidebar. */
export class PublishWidget extends ReactWidget {
  constructor(options: PublishWidget.IOptions) {
    super();
    this._options = options;
    this.addClass('jp-RSConnect-section');
    this.title.label = options.trans.__('Publish');
  }

  /** Move the keyboard focus to the form's first field. */
  focusForm(): void {
    requestAnimationFrame(() => {
      const field = this.node.querySelector<HTMLElement>(
        '.jp-RSConnect-publishForm select, .jp-RSConnect-publishForm input'
      );
      field?.focus();
    });
  }

  protected render(): JSX.Element {
    return <PublishPanel {...this._options} />;
  }

  private _options: PublishWidget.IOptions;
}

export namespace PublishWidget {
  export interface IOptions {
    model: ConnectModel;
    trans: TranslationBundle;
    onPublish: (
      options: Omit<Publisher.IOptions, 'model' | 'trans'>
    ) => Promise<unknown>;
  }
}
