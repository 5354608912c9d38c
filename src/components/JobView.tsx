import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { useEffect, useRef, useState } from 'react';

import { IJob, IJobStep, isFinal } from '../api';
import { ConnectModel } from '../model';
import { stepLabel } from '../publish';
import { DeployLog } from './DeployLog';
import { ErrorMessage } from './ErrorMessage';
import { LinkButton } from './LinkButton';

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
export function JobView(props: {
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
