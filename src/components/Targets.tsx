import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IDeployment, PublishMode } from '../api';
import { ConnectModel, deploymentServer } from '../model';
import { ErrorMessage } from './ErrorMessage';
import { LinkButton } from './LinkButton';

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
export function targetLabel(d: IDeployment, trans: TranslationBundle): string {
  const title = d.title || d.content_guid || trans.__('untitled');
  return d.deployed_at
    ? trans.__('%1 (last published %2)', title, formatDate(d.deployed_at))
    : title;
}

function formatDate(value: string | number): string {
  const date = new Date(typeof value === 'number' ? value * 1000 : value);
  return isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

export function newestFirst(a: IDeployment, b: IDeployment): number {
  const time = (d: IDeployment): number =>
    d.deployed_at ? new Date(d.deployed_at).getTime() || 0 : 0;
  return time(b) - time(a);
}

/** The current document's deployments: open content, dashboard, redeploy. */
export function Targets(props: {
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
          <div
            className="jp-RSConnect-targetTitle"
            title={d.title || d.content_guid}
          >
            {d.title || d.content_guid}
          </div>
          <div className="jp-RSConnect-serverMeta">
            {deploymentServer(d, model.servers.value)}
            {model.servers.value.length === 0 ||
            model.servers.value.some(
              s => s.name === deploymentServer(d, model.servers.value)
            )
              ? ''
              : ' ' + trans.__('(server not saved)')}
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
