import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { useEffect, useRef, useState } from 'react';

import { IJob, IJobStep, isFinal } from '../api';
import { ConnectModel } from '../model';
import { lastLines, stepLabel } from '../publish';
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

/** A message's first line and the rest (shown less loudly below it). */
export function splitMessage(message: string): [string, string] {
  const text = message.trim();
  const end = text.indexOf('\n');
  return end < 0
    ? [text, '']
    : [text.slice(0, end).trim(), text.slice(end + 1).trim()];
}

/** Why a job failed: its message, readable, and the task's last lines. */
function JobError(props: { job: IJob; trans: TranslationBundle }): JSX.Element {
  const { job, trans } = props;
  const [first, rest] = splitMessage(
    job.error?.message || trans.__('unknown error')
  );
  const last = lastLines(job);
  return (
    <div className="jp-RSConnect-error jp-RSConnect-jobError" role="alert">
      <div className="jp-RSConnect-errorMessage">{first}</div>
      {rest && <div className="jp-RSConnect-errorText">{rest}</div>}
      {last.length > 0 && (
        <details className="jp-RSConnect-lastLinesBox">
          <summary>
            {trans._n(
              'Last line of the task',
              'Last %1 lines of the task',
              last.length
            )}
          </summary>
          <pre className="jp-RSConnect-lastLines" tabIndex={0}>
            {last.join('\n')}
          </pre>
        </details>
      )}
    </div>
  );
}

/**
 * A job's log: open while the job runs, in a box of its own that follows the
 * new lines; folded away once the job ended (the status, the steps and the
 * error say how it went). Opened again, it is as long as it is, so the section
 * stays the one thing that scrolls.
 */
function JobLog(props: { job: IJob; trans: TranslationBundle }): JSX.Element {
  const { job, trans } = props;
  const final = isFinal(job.state);
  const [open, setOpen] = useState(!final);
  const wasFinal = useRef(final);
  useEffect(() => {
    if (final !== wasFinal.current) {
      wasFinal.current = final;
      setOpen(!final);
    }
  }, [final]);
  return (
    <details
      className={`jp-RSConnect-logBox${final ? ' jp-mod-final' : ''}`}
      open={open}
      onToggle={event => setOpen(event.currentTarget.open)}
    >
      <summary>
        {trans._n('Log (%1 line)', 'Log (%1 lines)', job.log.length)}
      </summary>
      {/* Opened again, the log shows its end. */}
      <DeployLog key={open ? 'open' : 'closed'} lines={job.log} trans={trans} />
    </details>
  );
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
      {job.state === 'failed' && <JobError job={job} trans={trans} />}
      <div className="jp-RSConnect-serverActions">
        {!final && job.cancellable !== false && (
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
        {!final && job.cancellable === false && (
          <span className="jp-RSConnect-hint jp-RSConnect-notCancellable">
            {trans.__(
              'The new version is being made live: it can no longer be cancelled.'
            )}
          </span>
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
              {step.detail ? (
                <span className="jp-RSConnect-stepDetail" title={step.detail}>
                  {' '}
                  — {step.detail}
                </span>
              ) : typeof step.progress === 'number' &&
                step.state === 'running' ? (
                <span className="jp-RSConnect-stepDetail">
                  {' '}
                  — {Math.round(step.progress)}%
                </span>
              ) : null}
              {typeof step.progress === 'number' &&
                step.state === 'running' && (
                  <progress
                    className="jp-RSConnect-progress"
                    max={100}
                    value={Math.min(Math.max(step.progress, 0), 100)}
                    aria-label={trans.__(
                      '%1: %2%',
                      stepTitle(step, trans),
                      String(Math.round(step.progress))
                    )}
                  />
                )}
            </li>
          ))}
        </ol>
      )}
      <LinkButton
        url={job.error?.logs_url}
        label={trans.__('Open the content logs on Connect')}
      />
      <ErrorMessage error={cancelError} trans={trans} />
      <JobLog key={job.id} job={job} trans={trans} />
    </div>
  );
}
