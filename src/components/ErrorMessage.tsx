import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { ApiError } from '../api';

/** A hint for the user, by the server's machine `reason`. */
export function reasonHint(
  reason: string,
  trans: TranslationBundle
): string | null {
  switch (reason) {
    case 'invalid_api_key':
      return trans.__(
        'Check the API key: create one in Connect from your user menu, under API Keys.'
      );
    case 'unreachable':
      return trans.__(
        'Check the URL, and that the Jupyter server can reach it (proxy, VPN, firewall).'
      );
    case 'not_connect':
      return trans.__(
        'The URL answers, but not as Posit Connect: use the server root, such as https://connect.example.com/.'
      );
    case 'tls':
      return trans.__(
        'The TLS certificate could not be verified: ask your administrator for the CA bundle.'
      );
    case 'permission':
      return trans.__(
        'Your Connect account is not allowed to do this: publishing needs the publisher role.'
      );
    case 'app_mode_change':
      return trans.__(
        'Connect cannot change the type of deployed content: choose "New content" as the target, or the mode it was published with.'
      );
    case 'title_conflict':
      return trans.__(
        'Pick that content as the target to update it, or choose another title.'
      );
    case 'forbidden_path':
      return trans.__(
        'Only files inside the Jupyter root directory can be published.'
      );
    case 'not_a_notebook':
      return trans.__(
        'The file is not a valid notebook: open and save it in JupyterLab first.'
      );
    case 'conflict':
      return trans.__(
        'Wait for the running publish of this file to finish, or cancel it.'
      );
    case 'extension_missing':
      return trans.__(
        'Install rsconnect_lab in the environment of the Jupyter server (pip install rsconnect_lab) and restart JupyterLab.'
      );
    case 'network':
      return trans.__(
        'The Jupyter server did not answer: is it still running?'
      );
    default:
      return null;
  }
}

/**
 * Phrases that show the server's message already gives the advice of a
 * reason's hint (the server's messages end with what to do).
 */
const ADVICE_GIVEN: Record<string, RegExp> = {
  invalid_api_key: /new key|api keys/i,
  unreachable: /proxy|firewall|vpn|check the url/i,
  not_connect: /server root|without \/connect|server's address/i,
  tls: /ca bundle|ca_cert|ca certificate|skip tls/i,
  permission: /publisher|role/i,
  app_mode_change: /new content/i,
  title_conflict: /another title|as the target/i,
  forbidden_path: /root directory/i,
  conflict: /cancel it|wait for/i
};

/**
 * The advice to show below an error's message: the server's own `hint` when
 * it sends one, else the hint of its reason; nothing when the message already
 * says it (the same advice is never shown twice).
 */
export function errorHint(
  error: ApiError | Error,
  trans: TranslationBundle
): string | null {
  if (!(error instanceof ApiError)) {
    return null;
  }
  const message = error.message ?? '';
  const norm = (text: string): string =>
    text.toLowerCase().replace(/\s+/g, ' ').trim();
  const own = error.body?.hint;
  const hint =
    typeof own === 'string' && own.trim()
      ? own.trim()
      : reasonHint(error.reason, trans);
  if (!hint) {
    return null;
  }
  if (norm(message).includes(norm(hint))) {
    return null;
  }
  if (hint !== own && ADVICE_GIVEN[error.reason]?.test(message)) {
    return null;
  }
  return hint;
}

/** An error from the server, shown in place with its specific message. */
export function ErrorMessage(props: {
  error: ApiError | Error | null;
  trans: TranslationBundle;
  className?: string;
}): JSX.Element | null {
  const { error, trans } = props;
  if (!error) {
    return null;
  }
  const reason = error instanceof ApiError ? error.reason : '';
  const hint = errorHint(error, trans);
  return (
    <div
      className={`jp-RSConnect-error ${props.className ?? ''}`}
      role="alert"
      data-reason={reason || undefined}
    >
      <div className="jp-RSConnect-errorMessage">{error.message}</div>
      {hint && <div className="jp-RSConnect-errorHint">{hint}</div>}
    </div>
  );
}
