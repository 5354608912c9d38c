/**
 * Error notifications: short on the toast, the whole message behind a
 * "Details" action, and one toast per subject (a newer error about the same
 * file replaces the older one instead of piling up).
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

/** The id of the newest error toast of each subject (such as `publish:<path>`). */
const errorToasts = new Map<string, string>();

/** Show the whole text of an error in a dialog. */
export async function showErrorDetails(
  title: string,
  message: string,
  trans: TranslationBundle
): Promise<void> {
  await showDialog({
    title,
    body: (
      <div className="jp-RSConnect-details">
        <div className="jp-RSConnect-errorMessage jp-RSConnect-errorText">
          {message}
        </div>
      </div>
    ),
    buttons: [Dialog.okButton({ label: trans.__('Close') })]
  });
}

/** A "Details" action that opens the whole message. */
export function detailsAction(
  title: string,
  message: string,
  trans: TranslationBundle
): Notification.IAction {
  return {
    label: trans.__('Details'),
    callback: event => {
      event.preventDefault();
      void showErrorDetails(title, message, trans);
    }
  };
}

/**
 * Forget (and close) the error toast of a subject, unless it is `keep` (the
 * notification about to be updated in its place).
 */
export function dismissError(subject: string, keep?: string): void {
  const old = errorToasts.get(subject);
  if (old !== undefined && old !== keep) {
    Notification.dismiss(old);
  }
  errorToasts.delete(subject);
}

/** Remember the error toast of a subject (it replaces the previous one). */
export function rememberError(subject: string, id: string): void {
  dismissError(subject, id);
  errorToasts.set(subject, id);
}

/**
 * Notify an error that stays until closed, with a "Details" action showing
 * `details` (the whole message). With a `subject`, the previous error toast of
 * that subject is replaced. Resolves with the notification's id.
 */
export function notifyError(
  message: string,
  options: {
    trans: TranslationBundle;
    details: string;
    title?: string;
    subject?: string;
    actions?: Notification.IAction[];
  }
): string {
  const { trans, subject } = options;
  const actions = [
    ...(options.actions ?? []),
    detailsAction(options.title ?? trans.__('Error'), options.details, trans)
  ];
  const old = subject !== undefined ? errorToasts.get(subject) : undefined;
  if (
    old !== undefined &&
    Notification.update({
      id: old,
      message,
      type: 'error',
      autoClose: false,
      actions
    })
  ) {
    return old;
  }
  const id = Notification.error(message, { autoClose: false, actions });
  if (subject !== undefined) {
    rememberError(subject, id);
  }
  return id;
}
