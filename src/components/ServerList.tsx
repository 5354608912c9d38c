import { Dialog, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  ReactWidget,
  UseSignal,
  addIcon,
  refreshIcon
} from '@jupyterlab/ui-components';
import { ISignal, Signal } from '@lumino/signaling';
import * as React from 'react';
import { useEffect, useRef, useState } from 'react';

import { ApiError, IContentItem, IServer, canPublish } from '../api';
import { ConnectModel } from '../model';
import { AddServerForm, IServerPrefill } from './AddServerForm';
import { ContentList } from './ContentList';
import { ErrorMessage } from './ErrorMessage';
import { useSignals } from './hooks';

/** Labels of server sources. */
function sourceLabel(source: string, trans: TranslationBundle): string {
  switch (source) {
    case 'environment':
      return trans.__('from CONNECT_SERVER');
    case 'rsconnect-python':
      return trans.__('from rsconnect-python');
    case 'preset':
      return trans.__('preset by your administrator');
    case 'embedded':
      return trans.__('local emulator');
    default:
      return trans.__('saved');
  }
}

/** A Connect role as shown to the user. */
export function roleLabel(
  role: string | null | undefined,
  trans: TranslationBundle
): string | null {
  switch (role) {
    case 'administrator':
      return trans.__('administrator');
    case 'publisher':
      return trans.__('publisher');
    case 'viewer':
      return trans.__('viewer');
    default:
      return role || null;
  }
}

/** Whether publishing to this server can work at all (policy and role). */
export function serverUsable(server: IServer): boolean {
  return !server.blocked && canPublish(server.user_role);
}

/**
 * The warning about a server that cannot be used: one an administrator's
 * policy blocks, or an account that may not publish (a viewer).
 */
export function ViewerWarning(props: {
  server: IServer;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { server, trans } = props;
  if (server.blocked) {
    return (
      <div
        className="jp-RSConnect-warning jp-RSConnect-blockedWarning"
        role="note"
      >
        {trans.__(
          'An administrator does not allow %1 here: %2 Publishing and browsing its content are turned off; ask your JupyterHub administrator if you need it.',
          server.name,
          server.blocked
        )}
      </div>
    );
  }
  if (canPublish(server.user_role)) {
    return null;
  }
  return (
    <div
      className="jp-RSConnect-warning jp-RSConnect-viewerWarning"
      role="note"
    >
      {trans.__(
        'The key of %1 belongs to a viewer (%2): viewers cannot publish. Ask a Connect administrator for publisher rights, or add the server again with the API key of a publisher.',
        server.name,
        server.username || trans.__('unknown user')
      )}
    </div>
  );
}

type VerifyState =
  | { state: 'busy' }
  | { state: 'ok'; content: IContentItem[] }
  | { state: 'error'; error: ApiError };

function ServerItem(props: {
  server: IServer;
  isDefault: boolean;
  model: ConnectModel;
  trans: TranslationBundle;
  onMakeDefault?: (name: string) => void;
}): JSX.Element {
  const { server, isDefault, model, trans } = props;
  const role = roleLabel(server.user_role, trans);
  const [verify, setVerify] = useState<VerifyState | null>(null);
  const [removeError, setRemoveError] = useState<Error | null>(null);

  const onVerify = async (): Promise<void> => {
    setVerify({ state: 'busy' });
    try {
      const content = await model.verifyServer(server.name);
      setVerify({ state: 'ok', content });
    } catch (error) {
      setVerify({ state: 'error', error: error as ApiError });
    }
  };

  const onRemove = async (): Promise<void> => {
    const result = await showDialog({
      title: trans.__('Remove server'),
      body: trans.__(
        'Remove the Connect server %1 (%2)? Content already published stays on the server.',
        server.name,
        server.url
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.warnButton({ label: trans.__('Remove') })
      ]
    });
    if (!result.button.accept) {
      return;
    }
    try {
      setRemoveError(null);
      await model.removeServer(server.name);
    } catch (error) {
      setRemoveError(error as Error);
    }
  };

  return (
    <li className="jp-RSConnect-server" data-server-name={server.name}>
      <div className="jp-RSConnect-serverHeader">
        <span className="jp-RSConnect-serverName" title={server.name}>
          {server.name}
        </span>
        {isDefault && (
          <span className="jp-RSConnect-badge">{trans.__('default')}</span>
        )}
        {server.blocked && (
          <span className="jp-RSConnect-badge jp-mod-blocked">
            {trans.__('blocked')}
          </span>
        )}
      </div>
      <div className="jp-RSConnect-serverUrl" title={server.url}>
        {server.url}
      </div>
      <div className="jp-RSConnect-serverMeta">
        {server.username ? trans.__('as %1', server.username) + ' · ' : ''}
        {role ? (
          <span className="jp-RSConnect-role" data-role={server.user_role}>
            {role}
          </span>
        ) : null}
        {role ? ' · ' : ''}
        {sourceLabel(server.source, trans)}
        {server.insecure ? ' · ' + trans.__('TLS not verified') : ''}
      </div>
      <div className="jp-RSConnect-serverActions">
        <button
          type="button"
          className="jp-RSConnect-linkButton"
          onClick={onVerify}
          disabled={verify?.state === 'busy'}
        >
          {trans.__('Verify')}
        </button>
        {!isDefault && !server.blocked && props.onMakeDefault && (
          <button
            type="button"
            className="jp-RSConnect-linkButton"
            onClick={() => props.onMakeDefault?.(server.name)}
          >
            {trans.__('Make default')}
          </button>
        )}
        {server.source === 'saved' && !server.read_only && (
          <button
            type="button"
            className="jp-RSConnect-linkButton"
            onClick={onRemove}
          >
            {trans.__('Remove')}
          </button>
        )}
      </div>
      {verify?.state === 'busy' && (
        <div className="jp-RSConnect-status">{trans.__('Checking…')}</div>
      )}
      {verify?.state === 'ok' && (
        <div className="jp-RSConnect-status jp-mod-ok" role="status">
          {trans._n(
            'Connected: %1 content item.',
            'Connected: %1 content items.',
            verify.content.length
          )}
          {role ? ' ' + trans.__('Your role: %1.', role) : ''}
        </div>
      )}
      {verify?.state === 'error' && (
        <ErrorMessage error={verify.error} trans={trans} />
      )}
      <ViewerWarning server={server} trans={trans} />
      <ErrorMessage error={removeError} trans={trans} />
      {!server.blocked && (
        <ContentList server={server} model={model} trans={trans} />
      )}
    </li>
  );
}

/** The list of servers, with the add form below it. */
export function ServerList(props: {
  model: ConnectModel;
  trans: TranslationBundle;
  showForm: boolean;
  setShowForm: (show: boolean) => void;
  onMakeDefault?: (name: string) => void;
  /** Values the add form starts with (a removed server added again). */
  prefill?: IServerPrefill | null;
}): JSX.Element {
  const { model, trans, showForm, setShowForm } = props;
  useSignals([model.serversChanged, model.settingsChanged]);
  const { value: servers, loading, error } = model.servers;
  const defaultServer = model.defaultServer;
  const addButton = useRef<HTMLButtonElement>(null);
  // The keyboard focus goes back to "Add server" once the form closes.
  const refocus = useRef(false);
  useEffect(() => {
    if (!showForm && refocus.current) {
      refocus.current = false;
      addButton.current?.focus();
    }
  }, [showForm]);

  return (
    <div className="jp-RSConnect-servers">
      <div className="jp-RSConnect-toolbar">
        <button
          ref={addButton}
          type="button"
          className="jp-Button jp-mod-styled jp-mod-accept jp-RSConnect-addServerButton"
          onClick={() => setShowForm(true)}
          disabled={showForm}
        >
          <addIcon.react tag="span" className="jp-RSConnect-buttonIcon" />
          {trans.__('Add server')}
        </button>
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-minimal"
          title={trans.__('Reload the server list')}
          aria-label={trans.__('Reload the server list')}
          onClick={() => void model.refreshServers()}
        >
          <refreshIcon.react tag="span" />
        </button>
      </div>
      <ErrorMessage error={error} trans={trans} />
      {showForm && (
        <AddServerForm
          key={props.prefill ? JSON.stringify(props.prefill) : 'new'}
          model={model}
          trans={trans}
          initial={props.prefill ?? undefined}
          onClose={() => {
            refocus.current = true;
            setShowForm(false);
          }}
        />
      )}
      {servers.length === 0 && !loading && !error && !showForm && (
        <p className="jp-RSConnect-empty">
          {trans.__(
            'No Connect server yet. Add one with its URL and an API key to publish.'
          )}
        </p>
      )}
      {loading && servers.length === 0 && (
        <p className="jp-RSConnect-empty">{trans.__('Loading servers…')}</p>
      )}
      <ul className="jp-RSConnect-serverList" aria-label={trans.__('Servers')}>
        {servers.map(server => (
          <ServerItem
            key={server.name}
            server={server}
            isDefault={server.name === defaultServer}
            model={model}
            trans={trans}
            onMakeDefault={props.onMakeDefault}
          />
        ))}
      </ul>
    </div>
  );
}

/** The "Servers" section of the sidebar. */
export class ServersWidget extends ReactWidget {
  constructor(options: ServersWidget.IOptions) {
    super();
    this._model = options.model;
    this._trans = options.trans;
    this._onMakeDefault = options.onMakeDefault;
    this.addClass('jp-RSConnect-section');
    this.title.label = options.trans.__('Servers');
  }

  /**
   * Open the add-server form (the "Add Connect server" command) and put the
   * keyboard focus in its URL field, also when the form was already open.
   */
  showAddForm(prefill?: IServerPrefill): void {
    this._prefill = prefill ?? null;
    this._setShowForm(true);
    // After the render, and after the command palette gave the focus back.
    requestAnimationFrame(() =>
      setTimeout(() => {
        // With the URL given, the key is what is missing.
        const field = prefill?.url ? 'api_key' : 'url';
        this.node
          .querySelector<HTMLInputElement>(
            `form.jp-RSConnect-addServer input[name="${field}"]`
          )
          ?.focus();
      })
    );
  }

  private _setShowForm(show: boolean): void {
    if (!show) {
      this._prefill = null;
    }
    this._showForm = show;
    this._formChanged.emit(show);
  }

  /** The height of the content (0 before it is shown). */
  get contentHeight(): number {
    return this._contentHeight;
  }

  /** Emitted with the height of the content whenever it changes. */
  get contentResized(): ISignal<this, number> {
    return this._contentResized;
  }

  protected render(): JSX.Element {
    return (
      <div
        className="jp-RSConnect-sectionBody"
        ref={node => this._observe(node)}
      >
        <UseSignal signal={this._formChanged} initialArgs={this._showForm}>
          {(_, show) => (
            <ServerList
              model={this._model}
              trans={this._trans}
              showForm={show ?? false}
              setShowForm={value => this._setShowForm(value)}
              onMakeDefault={this._onMakeDefault}
              prefill={this._prefill}
            />
          )}
        </UseSignal>
      </div>
    );
  }

  private _observe(node: HTMLDivElement | null): void {
    this._observer?.disconnect();
    this._observer = null;
    if (node && typeof ResizeObserver !== 'undefined') {
      this._observer = new ResizeObserver(() => {
        this._contentHeight = node.offsetHeight;
        this._contentResized.emit(node.offsetHeight);
      });
      this._observer.observe(node);
    }
  }

  dispose(): void {
    this._observer?.disconnect();
    Signal.clearData(this);
    super.dispose();
  }

  private _model: ConnectModel;
  private _trans: TranslationBundle;
  private _onMakeDefault?: (name: string) => void;
  private _showForm = false;
  private _prefill: IServerPrefill | null = null;
  private _formChanged: Signal<this, boolean> = new Signal(this);
  private _contentResized: Signal<this, number> = new Signal(this);
  private _contentHeight = 0;
  private _observer: ResizeObserver | null = null;
}

export namespace ServersWidget {
  export interface IOptions {
    model: ConnectModel;
    trans: TranslationBundle;
    onMakeDefault?: (name: string) => void;
  }
}
