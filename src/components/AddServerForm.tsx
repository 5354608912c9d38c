import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { useEffect, useRef, useState } from 'react';

import { ApiError } from '../api';
import { ConnectModel } from '../model';
import { ErrorMessage } from './ErrorMessage';

/**
 * A nickname from a URL's host, for when the user leaves it empty: the first
 * label of a real host name (`connect.example.com` → `connect`), else the
 * whole host with its port (`127.0.0.1-3939`; nicknames cannot hold ':').
 */
export function nicknameFromUrl(url: string): string {
  try {
    const withScheme = /^[a-z]+:\/\//i.test(url) ? url : `https://${url}`;
    const parsed = new URL(withScheme);
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const isAddress = /^[\d.]+$/.test(host) || host.includes(':');
    if (host && !isAddress && host.includes('.')) {
      return host.split('.')[0];
    }
    const name = host.replace(/:/g, '-').replace(/^[^A-Za-z0-9]+/, '');
    return (parsed.port ? `${name}-${parsed.port}` : name) || url;
  } catch {
    return url;
  }
}

/** Whether two server URLs name the same server (case, trailing slash aside). */
export function sameServerUrl(a: string, b: string): boolean {
  const norm = (url: string): string => {
    const text = url.trim();
    try {
      const withScheme = /^[a-z]+:\/\//i.test(text) ? text : `https://${text}`;
      const parsed = new URL(withScheme);
      return `${parsed.protocol}//${parsed.host}${parsed.pathname}`
        .replace(/\/+$/, '')
        .toLowerCase();
    } catch {
      return text.replace(/\/+$/, '').toLowerCase();
    }
  };
  return !!a.trim() && !!b.trim() && norm(a) === norm(b);
}

/** What the add form starts with: a server removed earlier, added again. */
export interface IServerPrefill {
  url?: string;
  name?: string;
}

/**
 * The form that adds a Connect server: URL, nickname and API key. The server
 * extension verifies them against Connect before saving; its specific error
 * (unreachable, not Connect, wrong key, ...) is shown here and nothing is saved.
 */
export function AddServerForm(props: {
  model: ConnectModel;
  trans: TranslationBundle;
  onClose: () => void;
  initial?: IServerPrefill;
}): JSX.Element {
  const { model, trans, onClose } = props;
  const [url, setUrl] = useState(props.initial?.url ?? '');
  const [name, setName] = useState(props.initial?.name ?? '');
  const [apiKey, setApiKey] = useState('');
  const [insecure, setInsecure] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const urlRef = useRef<HTMLInputElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const sameUrl = url.trim()
    ? model.servers.value.filter(s => sameServerUrl(s.url, url))
    : [];

  useEffect(() => {
    // With a URL given, the key is what is missing.
    const form = urlRef.current?.form;
    const key = form?.querySelector<HTMLInputElement>('input[name="api_key"]');
    (props.initial?.url && key ? key : urlRef.current)?.focus();
  }, []);

  // A refusal comes into view, also when the form is taller than its section.
  useEffect(() => {
    if (error) {
      errorRef.current?.scrollIntoView?.({ block: 'nearest' });
    }
  }, [error]);

  const onSubmit = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault();
    const cleanUrl = url.trim();
    const nickname = name.trim() || nicknameFromUrl(cleanUrl);
    setBusy(true);
    setError(null);
    try {
      const server = await model.addServer({
        name: nickname,
        url: cleanUrl,
        api_key: apiKey.trim(),
        insecure
      });
      setApiKey('');
      if (server.user_role === 'viewer') {
        // Said in the panel too (beside the server), and it stays there.
        Notification.warning(
          trans.__(
            'Added Connect server %1, but its key belongs to a viewer: viewers cannot publish. Ask an administrator for publisher rights, or use the key of a publisher.',
            server.name
          ),
          { autoClose: false }
        );
      } else {
        Notification.success(
          trans.__('Added Connect server %1 (%2).', server.name, server.url),
          { autoClose: 5000 }
        );
      }
      onClose();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="jp-RSConnect-addServer"
      aria-label={trans.__('Add a Connect server')}
      onSubmit={onSubmit}
      onKeyDown={event => {
        if (event.key === 'Escape' && !busy) {
          onClose();
        }
      }}
    >
      <label className="jp-RSConnect-field">
        <span>{trans.__('Server URL')}</span>
        <input
          ref={urlRef}
          className="jp-mod-styled"
          name="url"
          type="text"
          inputMode="url"
          autoComplete="url"
          spellCheck={false}
          required
          placeholder="https://connect.example.com/"
          value={url}
          onChange={event => setUrl(event.target.value)}
        />
      </label>
      {sameUrl.length > 0 && (
        <div className="jp-RSConnect-warning" role="status">
          {trans.__(
            'This URL is already the server %1: add it again only for another account (API key).',
            sameUrl.map(s => s.name).join(', ')
          )}
        </div>
      )}
      <label className="jp-RSConnect-field">
        <span>{trans.__('Nickname')}</span>
        <input
          className="jp-mod-styled"
          name="name"
          type="text"
          placeholder={
            url ? nicknameFromUrl(url.trim()) : trans.__('from the URL')
          }
          value={name}
          onChange={event => setName(event.target.value)}
        />
      </label>
      <label className="jp-RSConnect-field">
        <span>{trans.__('API key')}</span>
        <input
          className="jp-mod-styled"
          name="api_key"
          type="password"
          autoComplete="off"
          required
          value={apiKey}
          onChange={event => setApiKey(event.target.value)}
        />
      </label>
      <label className="jp-RSConnect-check">
        <input
          type="checkbox"
          name="insecure"
          checked={insecure}
          onChange={event => setInsecure(event.target.checked)}
        />
        <span>{trans.__('Skip TLS certificate verification')}</span>
      </label>
      <div ref={errorRef}>
        <ErrorMessage error={error} trans={trans} />
      </div>
      <div className="jp-RSConnect-buttons">
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-reject"
          onClick={onClose}
          disabled={busy}
        >
          {trans.__('Cancel')}
        </button>
        <button
          type="submit"
          className="jp-Button jp-mod-styled jp-mod-accept"
          disabled={busy || !url.trim() || !apiKey.trim()}
        >
          {busy ? trans.__('Verifying…') : trans.__('Verify and save')}
        </button>
      </div>
    </form>
  );
}
