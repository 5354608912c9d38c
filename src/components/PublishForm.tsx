import { TranslationBundle } from '@jupyterlab/translation';
import { HTMLSelect, ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';
import { useEffect, useRef, useState } from 'react';

import {
  HideInput,
  IDeployment,
  IEnvironmentRequest,
  IJob,
  IPublishRequest,
  IServer,
  PublishMode,
  canPublish,
  isFinal
} from '../api';
import {
  ConnectModel,
  deploymentServer,
  publishableKind,
  serversWithUrl
} from '../model';
import { Publisher } from '../publish';
import { IServerPrefill } from './AddServerForm';
import { EnvironmentPreview } from './EnvironmentPreview';
import { ErrorMessage } from './ErrorMessage';
import { JobView } from './JobView';
import { ViewerWarning } from './ServerList';
import { Targets, deploymentMode, newestFirst, targetLabel } from './Targets';
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

/** The app type of a `.py` file whose imports name no framework Connect knows. */
export const DEFAULT_APP_MODE = 'python-dash';

/** The hide-input choice of a deployment record ('none' when it has none). */
export function recordedHideInput(
  deployment: IDeployment | null | undefined
): HideInput {
  const value = deployment?.hide_input;
  if (value === true || value === 'all') {
    return 'all';
  }
  return value === 'tagged' ? 'tagged' : 'none';
}

/**
 * The extra files of a record (relative to the Jupyter root) as the form
 * shows them: one per line, relative to the folder of the file.
 */
export function recordedExtraFiles(
  deployment: IDeployment | null | undefined,
  folder: string
): string {
  const files = deployment?.extra_files;
  if (!Array.isArray(files)) {
    return '';
  }
  const prefix = folder ? `${folder}/` : '';
  return files
    .map(file => String(file))
    .map(file =>
      prefix && file.startsWith(prefix) ? file.slice(prefix.length) : file
    )
    .join('\n');
}

/**
 * The server a file's form starts on: the server of its newest deployment
 * (on a server still listed), so a published file is updated rather than
 * published again; the default server for a file never published.
 */
export function preferredServer(
  deployments: ReadonlyArray<IDeployment>,
  servers: ReadonlyArray<IServer>,
  defaultServer: string | null
): string {
  const newest = deployments
    .filter(d => !!d.content_guid)
    .filter(d => servers.some(s => s.name === deploymentServer(d, servers)))
    .sort(newestFirst)[0];
  return newest ? deploymentServer(newest, servers) : (defaultServer ?? '');
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
  onAddServer?: (prefill: IServerPrefill) => void;
}): JSX.Element {
  const { path, model, trans } = props;
  const kind = publishableKind(path);
  const servers = model.servers.value;
  const deployments = model.deployments.value;

  // Undefined means "not chosen by the user": follow the defaults.
  const [server, setServer] = useState<string | undefined>();
  // A redeployed record whose server is no longer saved (never swapped for another).
  const [removed, setRemoved] = useState<{
    key: string;
    deployment: IDeployment;
  } | null>(null);
  // A removed server's record the user chose to redeploy with a server of the same URL.
  const [adopted, setAdopted] = useState<IDeployment | null>(null);
  const [target, setTarget] = useState<string | undefined>();
  const [title, setTitle] = useState<string | undefined>();
  const [mode, setMode] = useState<PublishMode | undefined>();
  const [appMode, setAppMode] = useState<string | undefined>();
  const [entrypoint, setEntrypoint] = useState<string | undefined>();
  const [hideInput, setHideInput] = useState<HideInput | undefined>();
  const [extraFiles, setExtraFiles] = useState<string | undefined>();
  const [envVars, setEnvVars] = useState<{ name: string; value: string }[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const firstField = useRef<HTMLSelectElement | null>(null);

  // Back to what the target's record says (title, mode, hide input, files).
  const followTarget = (): void => {
    setTitle(undefined);
    setMode(undefined);
    setAppMode(undefined);
    setHideInput(undefined);
    setExtraFiles(undefined);
    setEntrypoint(undefined);
  };

  // "Redeploy" on a target fills the form with it.
  useEffect(() => {
    if (props.redeploy) {
      const key = deploymentServer(props.redeploy, model.servers.value);
      setServer(key);
      setRemoved(
        model.servers.value.some(s => s.name === key)
          ? null
          : { key, deployment: props.redeploy }
      );
      setAdopted(null);
      setTarget(props.redeploy.content_guid ?? 'new');
      followTarget();
      firstField.current?.focus();
    }
  }, [props.redeploy]);

  const listed = (name: string | undefined): name is string =>
    !!name && servers.some(s => s.name === name);
  let effectiveServer: string;
  let missing: IDeployment | null = null;
  if (listed(server)) {
    effectiveServer = server;
  } else if (removed && server === removed.key) {
    // Until it is added again (or the user picks a server), nothing else is chosen.
    effectiveServer = removed.key;
    missing = removed.deployment;
  } else {
    effectiveServer = preferredServer(
      deployments,
      servers,
      model.defaultServer
    );
  }
  const serverEntry = servers.find(s => s.name === effectiveServer) ?? null;
  const viewer = !!serverEntry && !canPublish(serverEntry.user_role);
  const blocked = serverEntry?.blocked ?? null;
  const serverTargets = deployments
    .filter(
      d =>
        !!d.content_guid &&
        (deploymentServer(d, servers) === effectiveServer ||
          (adopted?.content_guid === d.content_guid &&
            serversWithUrl(d, servers).some(s => s.name === effectiveServer)))
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

  // An app keeps the type it was published with, unless the user picks another;
  // a new one starts on the type its imports suggest.
  const known = (value: string | null | undefined): value is string =>
    !!value && APP_MODES.some(([mode]) => mode === value);
  const recordedAppMode = targetDeployment?.app_mode;
  const detectedAppMode = model.detectedAppMode;
  const appModeGuessed =
    appMode === undefined && !known(recordedAppMode) && known(detectedAppMode);
  const effectiveAppMode =
    appMode ??
    (known(recordedAppMode)
      ? recordedAppMode
      : known(detectedAppMode)
        ? detectedAppMode
        : DEFAULT_APP_MODE);
  // Hidden code stays hidden on update: the record's choice is the default.
  const effectiveHideInput = hideInput ?? recordedHideInput(targetDeployment);
  const entrypointText =
    entrypoint ??
    (targetDeployment?.entrypoint as string | undefined) ??
    stem(path);

  const folder = dirname(path);
  const extraFilesText =
    extraFiles ?? recordedExtraFiles(targetDeployment, folder);
  const extraFilePaths = extraFilesText
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
          entrypoint: entrypointText.trim() || undefined
        }
      : {}),
    ...(extraFilePaths.length > 0 ? { extra_files: extraFilePaths } : {})
  };

  const onSubmit = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault();
    if (missing || viewer || blocked || !effectiveServer) {
      // Never another server's content in place of a removed one.
      return;
    }
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
      // Chosen explicitly: new content, but the server still reports a title
      // the user already has, so the clash dialog can ask (no duplicate by accident).
      request.new = true;
      request.check_title = true;
    }
    if (kind === 'notebook' && effectiveMode !== 'voila') {
      request.hide_input = effectiveHideInput;
    }
    if (kind === 'python') {
      request.app_mode = effectiveAppMode;
      if (entrypointText.trim()) {
        request.entrypoint = entrypointText.trim();
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
      const job = (await props.onPublish({
        request,
        existingTitle: (targetDeployment?.title as string | undefined) ?? null
      })) as IJob | null | undefined;
      if (job?.state === 'succeeded') {
        // Values of environment variables are sent once, never kept; after a
        // failure they stay for the retry (they may never have reached Connect).
        setEnvVars([]);
      }
      const created = job?.state === 'succeeded' ? job.content_guid : null;
      if (
        typeof created === 'string' &&
        created &&
        !targetDeployment?.content_guid
      ) {
        // New content was made: a second click updates it, not another copy.
        setServer(job!.server || effectiveServer);
        setTarget(created);
        followTarget();
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
            setRemoved(null);
            setTarget(undefined);
          }}
        >
          {missing && (
            <option value={effectiveServer} disabled>
              {trans.__('%1 (no longer saved)', effectiveServer)}
            </option>
          )}
          {!effectiveServer && (
            <option value="" disabled>
              {trans.__('No server can be used')}
            </option>
          )}
          {servers.map(s => (
            <option key={s.name} value={s.name} disabled={!!s.blocked}>
              {s.blocked ? trans.__('%1 (blocked)', s.name) : s.name}
            </option>
          ))}
        </HTMLSelect>
      </label>
      {missing && (
        <div
          className="jp-RSConnect-warning jp-RSConnect-missingServer"
          role="alert"
        >
          <div>
            {trans.__(
              'The server "%1" of this deployment is no longer saved, so it cannot be redeployed. Add the server again (%2) with an API key, or choose another server for new content.',
              effectiveServer,
              missing.server_url || trans.__('unknown URL')
            )}
          </div>
          <div className="jp-RSConnect-serverActions">
            {props.onAddServer && (
              <button
                type="button"
                className="jp-RSConnect-linkButton"
                onClick={() =>
                  props.onAddServer?.({
                    url: missing?.server_url ?? '',
                    name: missing?.server_name ?? ''
                  })
                }
              >
                {trans.__('Add server "%1" again', effectiveServer)}
              </button>
            )}
            {serversWithUrl(missing, servers).map(s => (
              <button
                key={s.name}
                type="button"
                className="jp-RSConnect-linkButton"
                title={trans.__(
                  'Redeploy with the API key saved for %1 (same URL)',
                  s.name
                )}
                onClick={() => {
                  setServer(s.name);
                  setAdopted(missing);
                  setRemoved(null);
                }}
              >
                {trans.__('Use %1 (same URL)', s.name)}
              </button>
            ))}
          </div>
        </div>
      )}
      {serverEntry && <ViewerWarning server={serverEntry} trans={trans} />}
      <label className="jp-RSConnect-field">
        <span>{trans.__('Target')}</span>
        <HTMLSelect
          name="target"
          value={effectiveTarget}
          onChange={event => {
            setTarget(event.target.value);
            followTarget();
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
          {appModeGuessed && (
            <div className="jp-RSConnect-hint jp-RSConnect-appModeHint">
              {trans.__(
                'Guessed from the imports of %1; choose another type if it is wrong.',
                basename(path)
              )}
            </div>
          )}
          <label className="jp-RSConnect-field">
            <span>{trans.__('Entrypoint')}</span>
            <input
              className="jp-mod-styled"
              name="entrypoint"
              type="text"
              placeholder={`${stem(path)}:app`}
              value={entrypointText}
              onChange={event => setEntrypoint(event.target.value)}
            />
          </label>
        </>
      )}
      {kind === 'notebook' && effectiveMode !== 'voila' && (
        <label className="jp-RSConnect-field">
          <span>{trans.__('Code cells')}</span>
          <HTMLSelect
            name="hide_input"
            value={effectiveHideInput}
            onChange={event => setHideInput(event.target.value as HideInput)}
          >
            <option value="none">{trans.__('Show code and output')}</option>
            <option value="all">
              {trans.__('Hide all code (output only)')}
            </option>
            <option value="tagged">
              {trans.__('Hide code of cells tagged hide_input')}
            </option>
          </HTMLSelect>
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
          value={extraFilesText}
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
          disabled={
            disabled || !effectiveServer || !!missing || viewer || !!blocked
          }
          title={
            missing
              ? trans.__('The server of this deployment is no longer saved.')
              : blocked
                ? trans.__(
                    'An administrator does not allow %1 here.',
                    effectiveServer
                  )
                : viewer
                  ? trans.__('Viewers cannot publish on %1.', effectiveServer)
                  : undefined
          }
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
  onAddServer?: (prefill: IServerPrefill) => void;
}): JSX.Element {
  const { model, trans } = props;
  useSignals([
    model.currentPathChanged,
    model.serversChanged,
    model.deploymentsChanged,
    model.environmentChanged,
    model.detectedAppModeChanged,
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
        onAddServer={props.onAddServer}
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
    /** Open the add-server form filled in (a removed server added again). */
    onAddServer?: (prefill: IServerPrefill) => void;
  }
}
