/**
 * Publishing with feedback: confirmation before replacing existing content, the
 * title-clash choice, and one notification that follows the job from start to
 * success (with links to the content) or failure (with the details and log).
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReadonlyJSONValue } from '@lumino/coreutils';
import * as React from 'react';

import { ApiError, IContentItem, IJob, IPublishRequest, isFinal } from './api';
import { basename, openUrl } from './components/hooks';
import { ConnectModel } from './model';

/** A human label for a job step reported by the server. */
export function stepLabel(
  step: string | null | undefined,
  trans: TranslationBundle
): string {
  switch (step) {
    case null:
    case undefined:
    case '':
      return trans.__('starting');
    case 'environment':
      return trans.__('inspecting the environment');
    case 'bundle':
      return trans.__('building the bundle');
    case 'content':
      return trans.__('finding or creating the content');
    case 'upload':
      return trans.__('uploading the bundle');
    case 'deploy':
      return trans.__('deploying');
    case 'logs':
    case 'task':
      return trans.__('following the deploy log');
    case 'verify':
    case 'check':
      return trans.__('checking that the content answers');
    default:
      return step;
  }
}

/** The upload progress of a job (0–1, from the server's percentage) when it reports one. */
function jobProgress(job: IJob): number | undefined {
  const running = job.steps?.find(step => step.state === 'running');
  const progress = running?.progress ?? job.progress;
  if (typeof progress === 'number' && isFinite(progress)) {
    return Math.min(Math.max(progress / 100, 0), 1);
  }
  return undefined;
}

/** Content that clashes with a new title, as the server describes it in a 409 answer. */
function clashingContent(error: ApiError): IContentItem | null {
  const body = error.body;
  const list = body.matches ?? body.content;
  if (Array.isArray(list) && list.length > 0) {
    return list[0] as IContentItem;
  }
  if (list && typeof list === 'object') {
    return list as IContentItem;
  }
  if (typeof body.content_guid === 'string') {
    return {
      guid: body.content_guid,
      title: (body.title as string) ?? null,
      content_url: body.content_url as string | undefined
    };
  }
  return null;
}

/** Whether the server refused a publish because the title matches existing content. */
export function isTitleClash(error: unknown): error is ApiError {
  return (
    error instanceof ApiError &&
    (error.reason === 'title_conflict' ||
      error.reason === 'conflict' ||
      error.reason === 'name_conflict') &&
    clashingContent(error) !== null
  );
}

/** Show the error and the whole log of a failed job. */
export async function showJobDetails(
  job: IJob,
  trans: TranslationBundle
): Promise<void> {
  const error = job.error;
  const body = (
    <div className="jp-RSConnect-details">
      {error && (
        <p className="jp-RSConnect-errorMessage">
          {error.step
            ? trans.__('Step: %1', stepLabel(error.step, trans)) + ' — '
            : ''}
          {error.message}
        </p>
      )}
      {job.dashboard_url && (
        <p>
          <a href={job.dashboard_url} target="_blank" rel="noopener noreferrer">
            {trans.__('Open the content and its logs on Connect')}
          </a>
        </p>
      )}
      <pre className="jp-RSConnect-log" tabIndex={0}>
        {job.log.join('\n')}
      </pre>
    </div>
  );
  await showDialog({
    title: trans.__('Publishing %1', basename(job.path)),
    body,
    buttons: [Dialog.okButton({ label: trans.__('Close') })]
  });
}

/** Update a notification, or emit it anew when the user already dismissed it. */
function updateOrEmit(
  args: Notification.IUpdate<ReadonlyJSONValue> & {
    message: string;
    type: Notification.TypeOptions;
  }
): void {
  if (!Notification.update(args)) {
    const { message, type, actions, autoClose, progress } = args;
    Notification.emit(message, type, { actions, autoClose, progress });
  }
}

/** Turn a job's final state into the notification's last update. */
export function notifyFinal(
  id: string,
  job: IJob,
  trans: TranslationBundle
): void {
  const name = basename(job.path);
  if (job.state === 'succeeded') {
    const actions: Notification.IAction[] = [];
    if (job.content_url) {
      const url = job.content_url;
      actions.push({
        label: trans.__('Open content'),
        caption: url,
        displayType: 'accent',
        callback: () => openUrl(url)
      });
    }
    if (job.dashboard_url) {
      const url = job.dashboard_url;
      actions.push({
        label: trans.__('Open dashboard'),
        caption: url,
        callback: () => openUrl(url)
      });
    }
    updateOrEmit({
      id,
      type: 'success',
      message: trans.__('Published %1 to %2.', name, job.server),
      autoClose: false,
      progress: 1,
      actions
    });
  } else if (job.state === 'cancelled') {
    updateOrEmit({
      id,
      type: 'warning',
      message: trans.__('Publishing %1 to %2 was cancelled.', name, job.server),
      autoClose: 5000,
      actions: []
    });
  } else {
    const step = job.error?.step ?? job.step;
    updateOrEmit({
      id,
      type: 'error',
      message: trans.__(
        'Publishing %1 failed while %2: %3',
        name,
        stepLabel(step, trans),
        job.error?.message ?? trans.__('unknown error')
      ),
      autoClose: false,
      actions: [
        {
          label: trans.__('Details'),
          callback: event => {
            event.preventDefault();
            void showJobDetails(job, trans);
          }
        }
      ]
    });
  }
}

/**
 * Start a job, and when the server answers with a title clash, let the user
 * choose between updating that content and publishing new content.
 * Resolves with null when the user cancelled.
 */
async function startResolvingClash(
  model: ConnectModel,
  trans: TranslationBundle,
  request: IPublishRequest
): Promise<IJob | null> {
  try {
    return await model.start(request);
  } catch (error) {
    if (!isTitleClash(error) || request.content_guid || request.new) {
      throw error;
    }
    const existing = clashingContent(error)!;
    const update = Dialog.okButton({
      label: trans.__('Update it'),
      ariaLabel: trans.__('Update the existing content')
    });
    const fresh = Dialog.createButton({
      label: trans.__('Publish new'),
      ariaLabel: trans.__('Publish as new content')
    });
    const result = await showDialog({
      title: trans.__('Content with this title exists'),
      body: trans.__(
        '"%1" already exists on %2. Update that content with this file, or publish new content beside it?',
        existing.title ?? request.title,
        request.server
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        fresh,
        update
      ]
    });
    if (result.button.label === update.label) {
      return model.start({ ...request, content_guid: existing.guid });
    }
    if (result.button.label === fresh.label) {
      return model.start({ ...request, new: true });
    }
    return null;
  }
}

export namespace Publisher {
  export interface IOptions {
    model: ConnectModel;
    trans: TranslationBundle;
    request: IPublishRequest;
    /** Title of the existing content the request updates, for the confirmation. */
    existingTitle?: string | null;
  }
}

/**
 * Publish with a notification that follows the job. Resolves with the final job,
 * or null when the user cancelled before anything started. Throws the server's
 * `ApiError` when the job could not start (after notifying it).
 */
export async function publishWithFeedback(
  options: Publisher.IOptions
): Promise<IJob | null> {
  const { model, trans, request } = options;
  const name = basename(request.path);

  if (request.content_guid && model.settings.confirmUpdate) {
    const result = await showDialog({
      title: trans.__('Update existing content?'),
      body: trans.__(
        'This publishes %1 as a new version of "%2" on %3.',
        name,
        options.existingTitle ?? request.title,
        request.server
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Update') })
      ]
    });
    if (!result.button.accept) {
      return null;
    }
  }

  let job: IJob | null;
  try {
    job = await startResolvingClash(model, trans, request);
  } catch (error) {
    Notification.error(
      trans.__(
        'Could not publish %1 to %2: %3',
        name,
        request.server,
        (error as Error).message
      ),
      { autoClose: false }
    );
    throw error;
  }
  if (!job) {
    return null;
  }

  const started = job;
  const id = Notification.emit(
    trans.__('Publishing %1 to %2…', name, request.server),
    'in-progress',
    {
      autoClose: false,
      actions: [
        {
          label: trans.__('Cancel'),
          callback: event => {
            event.preventDefault();
            void model
              .cancel(started.id)
              .catch(error =>
                Notification.error(
                  trans.__('Could not cancel: %1', (error as Error).message)
                )
              );
          }
        }
      ]
    }
  );

  let lastStep = started.step;
  let lastProgress: number | undefined;
  const onChange = (_: ConnectModel, changed: IJob): void => {
    if (changed.id !== started.id || isFinal(changed.state)) {
      return;
    }
    const progress = jobProgress(changed);
    if (changed.step === lastStep && progress === lastProgress) {
      return;
    }
    lastStep = changed.step;
    lastProgress = progress;
    Notification.update({
      id,
      type: 'in-progress',
      message: trans.__(
        'Publishing %1 to %2: %3…',
        name,
        request.server,
        stepLabel(changed.step, trans)
      ),
      progress
    });
  };
  model.jobChanged.connect(onChange);
  try {
    const final = await model.done(started.id);
    notifyFinal(id, final, trans);
    return final;
  } finally {
    model.jobChanged.disconnect(onChange);
  }
}
