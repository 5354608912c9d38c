import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IContentItem } from '../api';
import { LinkButton } from './LinkButton';

/** The user's content on a server, with links to open it. */
export function ContentList(props: {
  content: IContentItem[];
  trans: TranslationBundle;
}): JSX.Element {
  const { content, trans } = props;
  return (
    <details className="jp-RSConnect-content">
      <summary>{trans.__('Your content')}</summary>
      <ul>
        {content.map(item => (
          <li key={item.guid} data-content-guid={item.guid}>
            <span className="jp-RSConnect-contentTitle">
              {item.title || item.name || item.guid}
            </span>
            {item.app_mode ? (
              <span className="jp-RSConnect-serverMeta">
                {' '}
                · {item.app_mode}
              </span>
            ) : null}
            <div className="jp-RSConnect-serverActions">
              <LinkButton url={item.content_url} label={trans.__('Open')} />
              <LinkButton
                url={item.dashboard_url}
                label={trans.__('Dashboard')}
              />
            </div>
          </li>
        ))}
      </ul>
    </details>
  );
}
