import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';
import * as React from 'react';
import { useState } from 'react';

import { IContentItem, IServer } from '../api';
import { ConnectModel } from '../model';
import { notifyError } from '../notify';
import { ErrorMessage } from './ErrorMessage';
import { LinkButton } from './LinkButton';
import { useSignals } from './hooks';

/** A short label of Connect's app mode. */
export function appModeLabel(
  mode: string | null | undefined,
  trans: TranslationBundle
): string {
  switch (mode) {
    case 'static':
      return trans.__('HTML');
    case 'jupyter-static':
      return trans.__('notebook');
    case 'jupyter-voila':
      return trans.__('Voilà');
    case 'python-dash':
      return 'Dash';
    case 'python-streamlit':
      return 'Streamlit';
    case 'python-bokeh':
      return 'Bokeh';
    case 'python-shiny':
      return 'Shiny';
    case 'python-panel':
      return 'Panel';
    case 'python-gradio':
      return 'Gradio';
    case 'python-fastapi':
      return 'FastAPI';
    case 'python-api':
      return 'Flask';
    default:
      return mode || trans.__('unknown type');
  }
}

/**
 * A time as people say it: "just now", "5 min ago", "3 h ago", "2 days ago",
 * else the short date.
 */
export function formatWhen(
  value: string | number | null | undefined,
  trans: TranslationBundle,
  now: number = Date.now()
): string {
  if (value === null || value === undefined || value === '') {
    return '';
  }
  const date = new Date(typeof value === 'number' ? value * 1000 : value);
  const time = date.getTime();
  if (isNaN(time)) {
    return String(value);
  }
  const minutes = Math.floor((now - time) / 60000);
  if (minutes < 1) {
    return trans.__('just now');
  }
  if (minutes < 60) {
    return trans.__('%1 min ago', String(minutes));
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    return trans.__('%1 h ago', String(hours));
  }
  const days = Math.floor(hours / 24);
  if (days < 7) {
    return trans._n('%1 day ago', '%1 days ago', days);
  }
  return date.toLocaleDateString();
}

/** The content whose title, name or guid contains the filter text. */
export function filterContent(
  content: ReadonlyArray<IContentItem>,
  query: string
): IContentItem[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) {
    return [...content];
  }
  return content.filter(item => {
    const text =
      `${item.title ?? ''} ${item.name ?? ''} ${item.guid}`.toLowerCase();
    return words.every(word => text.includes(word));
  });
}

/** Newest deploy first (items never deployed last). */
function newestDeployed(a: IContentItem, b: IContentItem): number {
  const time = (item: IContentItem): number =>
    new Date(item.last_deployed_time ?? item.created_time ?? 0).getTime() || 0;
  return time(b) - time(a);
}

/** The title of a content item as the user knows it. */
export function contentTitle(item: IContentItem): string {
  return item.title || item.name || item.guid;
}

/**
 * Ask, then delete content on Connect; resolves with whether it was deleted.
 * Success and failure are notified (a failure with its details).
 */
export async function confirmAndDelete(
  model: ConnectModel,
  server: string,
  item: IContentItem,
  trans: TranslationBundle
): Promise<boolean> {
  const title = contentTitle(item);
  const result = await showDialog({
    title: trans.__('Delete content?'),
    body: trans.__(
      'Delete "%1" from %2? Its versions, logs and settings on Connect are deleted with it, and the deployment records of your files that point to it are forgotten. This cannot be undone.',
      title,
      server
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Delete') })
    ]
  });
  if (!result.button.accept) {
    return false;
  }
  try {
    await model.deleteContent(server, item.guid);
  } catch (error) {
    const message = String((error as Error)?.message ?? error);
    notifyError(
      trans.__('Could not delete "%1" from %2: %3', title, server, message),
      {
        trans,
        title: trans.__('Could not delete "%1"', title),
        details: message,
        subject: `delete:${server}:${item.guid}`
      }
    );
    return false;
  }
  Notification.success(trans.__('Deleted "%1" from %2.', title, server), {
    autoClose: 5000
  });
  return true;
}

function ContentItem(props: {
  item: IContentItem;
  server: string;
  model: ConnectModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { item, server, model, trans } = props;
  const [deleting, setDeleting] = useState(false);
  const title = contentTitle(item);
  const when = formatWhen(item.last_deployed_time ?? item.created_time, trans);
  return (
    <li className="jp-RSConnect-contentItem" data-content-guid={item.guid}>
      <div
        className="jp-RSConnect-contentTitle"
        title={trans.__(
          '%1 · %2 (%3)',
          title,
          item.guid.slice(0, 8),
          item.guid
        )}
      >
        {title}
      </div>
      <div className="jp-RSConnect-serverMeta">
        {appModeLabel(item.app_mode, trans)}
        {when
          ? ' · ' +
            (item.last_deployed_time
              ? trans.__('deployed %1', when)
              : trans.__('created %1', when))
          : ''}
      </div>
      <div className="jp-RSConnect-serverActions">
        <LinkButton url={item.content_url} label={trans.__('Open')} />
        <LinkButton url={item.dashboard_url} label={trans.__('Dashboard')} />
        <button
          type="button"
          className="jp-RSConnect-linkButton jp-RSConnect-deleteContent"
          aria-label={trans.__('Delete %1', title)}
          disabled={deleting}
          onClick={async () => {
            setDeleting(true);
            try {
              await confirmAndDelete(model, server, item, trans);
            } finally {
              setDeleting(false);
            }
          }}
        >
          {deleting ? trans.__('Deleting…') : trans.__('Delete')}
        </button>
      </div>
    </li>
  );
}

/**
 * The user's content on a server: loaded when opened, refreshed by its button
 * and after a publish to the server, filtered by title or name, each item with
 * Open, Dashboard and Delete.
 */
export function ContentList(props: {
  server: IServer;
  model: ConnectModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { server, model, trans } = props;
  useSignals([model.contentChanged]);
  const [query, setQuery] = useState('');
  const { value, loading, error } = model.content(server.name);
  const loaded = model.hasContent(server.name);
  const shown = filterContent(value, query).sort(newestDeployed);
  const refresh = (): void => void model.refreshContent(server.name);
  return (
    <details
      className="jp-RSConnect-content"
      onToggle={event => {
        if ((event.target as HTMLDetailsElement).open && !loading) {
          refresh();
        }
      }}
    >
      <summary>
        {loaded && !loading && !error
          ? trans.__('Your content (%1)', String(value.length))
          : trans.__('Your content')}
      </summary>
      <div className="jp-RSConnect-contentToolbar">
        <input
          className="jp-mod-styled jp-RSConnect-contentFilter"
          type="search"
          aria-label={trans.__('Filter your content on %1', server.name)}
          placeholder={trans.__('Filter by title or name')}
          value={query}
          onChange={event => setQuery(event.target.value)}
        />
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-minimal jp-RSConnect-refreshContent"
          title={trans.__('Refresh the content list')}
          aria-label={trans.__('Refresh the content list of %1', server.name)}
          disabled={loading}
          onClick={refresh}
        >
          <refreshIcon.react tag="span" />
        </button>
      </div>
      {loading && (
        <div className="jp-RSConnect-contentLoading" role="status">
          {trans.__('Loading content…')}
        </div>
      )}
      <ErrorMessage error={error} trans={trans} />
      {loaded && !loading && !error && value.length === 0 && (
        <p className="jp-RSConnect-empty">
          {trans.__('No content of yours on this server yet.')}
        </p>
      )}
      {value.length > 0 && shown.length === 0 && (
        <p className="jp-RSConnect-empty">
          {trans.__('Nothing matches "%1".', query)}
        </p>
      )}
      {shown.length > 0 && (
        <ul aria-label={trans.__('Your content on %1', server.name)}>
          {shown.map(item => (
            <ContentItem
              key={item.guid}
              item={item}
              server={server.name}
              model={model}
              trans={trans}
            />
          ))}
        </ul>
      )}
    </details>
  );
}
