/**
 * Publishing with feedback: confirmation before replacing existing content, the
 * title-clash choice, and one notification that follows the job from start to
 * success (with links to the content) or failure (with the details and log).
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReadonlyJSONValue } from '@lumino/coreutils';
import * as React from 'react';

import {
  ApiError,
  IContentItem,
  IJob,
  IPublishRequest,
  IPublishTarget,
  isFinal
} from './api';
import { basename, openUrl } from './components/hooks';
import { ConnectModel } from './model';
import { dismissError, notifyError, rememberError } from './notify';

/** The subject of a file's publish error toasts (one at a time per file). */
export function publishSubject(path: string): string {
  return `publish:${path}`;
}

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
    case 'activate':
      return trans.__('making it live');
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

/** The first line of a message, cut to a length that fits a notification. */
export function firstLine(message: string, max = 160): string {
  const line =
    message
      .split('\n')
      .map(l => l.trim())
      .find(l => l.length > 0) ?? '';
  return line.length > max ? line.slice(0, max - 1).trimEnd() + '…' : line;
}

/** The task's last lines of a failed job, when the server gives them. */
export function lastLines(job: IJob): string[] {
  const lines = job.error?.last_lines;
  return Array.isArray(lines) ? lines.map(String) : [];
}

/** Show the error and the whole log of a failed job. */
export async function showJobDetails(
  job: IJob,
  trans: TranslationBundle
): Promise<void> {
  const error = job.error;
  const last = lastLines(job);
  const body = (
    <div className="jp-RSConnect-details">
      {error && (
        <>
          {error.step && (
            <p className="jp-RSConnect-errorStep">
              {trans.__('Step: %1', stepLabel(error.step, trans))}
            </p>
          )}
          <div className="jp-RSConnect-errorMessage jp-RSConnect-errorText">
            {error.message}
          </div>
        </>
      )}
      {job.dashboard_url && (
        <p>
          <a href={job.dashboard_url} target="_blank" rel="noopener noreferrer">
            {trans.__('Open the content and its logs on Connect')}
          </a>
        </p>
      )}
      {last.length > 0 && (
        <>
          <h3 className="jp-RSConnect-subtitle">
            {trans.__('Last lines of the task')}
          </h3>
          <pre className="jp-RSConnect-lastLines" tabIndex={0}>
            {last.join('\n')}
          </pre>
        </>
      )}
      <h3 className="jp-RSConnect-subtitle">{trans.__('Log')}</h3>
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
): string {
  if (!Notification.update(args)) {
    const { message, type, actions, autoClose, progress } = args;
    return Notification.emit(message, type, { actions, autoClose, progress });
  }
  return args.id;
}

/** Milliseconds a success notification stays (failures stay until closed). */
export const SUCCESS_AUTOCLOSE = 8000;

/** Turn a job's final state into the notification's last update. */
export function notifyFinal(
  id: string,
  job: IJob,
  trans: TranslationBundle
): void {
  const name = basename(job.path);
  const subject = publishSubject(job.path);
  if (job.state === 'succeeded') {
    // An older failure of this file is settled now.
    dismissError(subject, id);
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
      autoClose: SUCCESS_AUTOCLOSE,
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
    const shown = updateOrEmit({
      id,
      type: 'error',
      message: trans.__(
        'Publishing %1 failed while %2: %3',
        name,
        stepLabel(step, trans),
        firstLine(job.error?.message ?? '') || trans.__('unknown error')
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
    // This notification takes the place of the file's previous error toast.
    rememberError(subject, shown);
  }
}

/**
 * Ask what to do about content that already has the title: update it (resolves
 * with its guid), publish new content beside it ('new'), or nothing (null).
 */
async function chooseOnClash(
  trans: TranslationBundle,
  request: IPublishRequest,
  existing: IContentItem
): Promise<string | 'new' | null> {
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
    buttons: [Dialog.cancelButton({ label: trans.__('Cancel') }), fresh, update]
  });
  if (result.button.label === update.label) {
    return existing.guid;
  }
  if (result.button.label === fresh.label) {
    return 'new';
  }
  return null;
}

/** What the user settled before the job starts. */
interface IResolved {
  request: IPublishRequest;
  target: IPublishTarget;
  /** Title of the content the publish updates, as the user knows it. */
  existingTitle: string | null;
  /** The user already chose to update this content (in the clash dialog). */
  chosen: boolean;
}

/**
 * Ask the server what the publish would do (a dry run), resolving a title
 * clash with the user. Resolves with null when the user cancelled; throws the
 * server's error (a mode change, bad input) before anything is asked.
 */
async function resolveTarget(
  model: ConnectModel,
  trans: TranslationBundle,
  request: IPublishRequest,
  existingTitle: string | null
): Promise<IResolved | null> {
  try {
    const target = await model.check(request);
    return { request, target, existingTitle, chosen: false };
  } catch (error) {
    if (!isTitleClash(error) || request.content_guid) {
      throw error;
    }
    const existing = clashingContent(error)!;
    const choice = await chooseOnClash(trans, request, existing);
    if (choice === null) {
      return null;
    }
    if (choice === 'new') {
      // Confirmed by the user: a same-titled item is fine now.
      const fresh: IPublishRequest = { ...request, new: true };
      delete fresh.check_title;
      delete fresh.content_guid;
      const target = await model.check(fresh);
      return { request: fresh, target, existingTitle: null, chosen: false };
    }
    const update: IPublishRequest = { ...request, content_guid: choice };
    delete update.new;
    delete update.check_title;
    // Checked again: updating that content may need a change of mode.
    const target = await model.check(update);
    return {
      request: update,
      target,
      existingTitle: existing.title ?? null,
      chosen: true
    };
  }
}

export namespace Publisher {
  export interface IOptions {
    model: ConnectModel;
    trans: TranslationBundle;
    request: IPublishRequest;
    /** Title of the existing content the request updates, for the confirmation. */
    existingTitle?: string | null;
    /**
     * Run before the job starts, after every question was answered (it saves
     * the open document); a rejection stops the publish with its message.
     */
    prepare?: (request: IPublishRequest) => Promise<void>;
  }
}

/**
 * Publish with a notification that follows the job. Resolves with the final job,
 * or null when the user cancelled before anything started. Throws the server's
 * `ApiError` when the job could not start (after notifying it).
 *
 * A dry run comes first, so a title clash or a change of mode is explained
 * before the "update existing content?" confirmation, which names the content
 * the server will actually update.
 */
export async function publishWithFeedback(
  options: Publisher.IOptions
): Promise<IJob | null> {
  const { model, trans } = options;
  const name = basename(options.request.path);
  const server = options.request.server;
  const fail = (error: unknown): never => {
    const message = String((error as Error)?.message ?? error);
    notifyError(
      trans.__(
        'Could not publish %1 to %2: %3',
        name,
        server,
        firstLine(message)
      ),
      {
        trans,
        title: trans.__('Could not publish %1', name),
        details: message,
        subject: publishSubject(options.request.path)
      }
    );
    throw error;
  };

  let resolved: IResolved | null;
  try {
    resolved = await resolveTarget(
      model,
      trans,
      options.request,
      options.existingTitle ?? null
    );
  } catch (error) {
    return fail(error);
  }
  if (!resolved) {
    return null;
  }
  const { target } = resolved;
  const request: IPublishRequest = { ...resolved.request };
  if (target.content_guid) {
    // Update exactly the content the confirmation names.
    request.content_guid = target.content_guid;
    delete request.new;
    delete request.check_title;
  }

  if (target.content_guid && !resolved.chosen && model.settings.confirmUpdate) {
    const known = model.deployments.value.find(
      d => d.content_guid === target.content_guid
    );
    const title =
      (known?.title as string | undefined) ||
      resolved.existingTitle ||
      target.title ||
      request.title;
    const result = await showDialog({
      title: trans.__('Update existing content?'),
      body: trans.__(
        'This publishes %1 as a new version of "%2" on %3.',
        name,
        title,
        server
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

  let job: IJob;
  try {
    await options.prepare?.(request);
    job = await model.start(request);
  } catch (error) {
    return fail(error);
  }
  return followJob(model, trans, job);
}

/**
 * Give each job that `resumeJobs` picks up still running after a reload of the
 * page its notification again. Finished jobs shown again get none: they ended
 * before the reload, and the panel shows how.
 */
export function notifyResumedJobs(
  model: ConnectModel,
  trans: TranslationBundle
): void {
  model.jobResumed.connect((_, job) => {
    void followJob(model, trans, job);
  });
}

/**
 * Follow a job with a notification, from its start (or from a reload of the
 * page) to its end; resolves with the final job.
 */
export async function followJob(
  model: ConnectModel,
  trans: TranslationBundle,
  started: IJob
): Promise<IJob> {
  const name = basename(started.path);
  const server = started.server;
  const cancelAction: Notification.IAction = {
    label: trans.__('Cancel'),
    callback: event => {
      event.preventDefault();
      void model.cancel(started.id).catch(error => {
        const message = String((error as Error)?.message ?? error);
        notifyError(trans.__('Could not cancel: %1', firstLine(message)), {
          trans,
          title: trans.__('Could not cancel publishing %1', name),
          details: message
        });
      });
    }
  };
  const message = (job: IJob): string =>
    job.step
      ? trans.__(
          'Publishing %1 to %2: %3…',
          name,
          server,
          stepLabel(job.step, trans)
        )
      : trans.__('Publishing %1 to %2…', name, server);
  const id = Notification.emit(message(started), 'in-progress', {
    autoClose: false,
    progress: jobProgress(started),
    actions: started.cancellable === false ? [] : [cancelAction]
  });

  let lastStep = started.step;
  let lastProgress = jobProgress(started);
  let cancellable = started.cancellable !== false;
  const onChange = (_: ConnectModel, changed: IJob): void => {
    if (changed.id !== started.id || isFinal(changed.state)) {
      return;
    }
    const progress = jobProgress(changed);
    const nowCancellable = changed.cancellable !== false;
    if (
      changed.step === lastStep &&
      progress === lastProgress &&
      nowCancellable === cancellable
    ) {
      return;
    }
    lastStep = changed.step;
    lastProgress = progress;
    cancellable = nowCancellable;
    Notification.update({
      id,
      type: 'in-progress',
      message: message(changed),
      progress,
      actions: cancellable ? [cancelAction] : []
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
