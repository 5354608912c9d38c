/**
 * The version handshake: the front end asks the server extension for its
 * version at start, so a missing or mismatched server extension gives a clear
 * message instead of 404s later.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import { ApiError, getVersion } from './api';
import { VERSION } from './version';

/** The release part of a version (`0.1.0`, `0.1.0a1`, `0.1.0-alpha.1` → `0.1.0`). */
export function releaseOf(version: string): string {
  const match = /^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version);
  if (!match) {
    return version.trim();
  }
  return [match[1], match[2] ?? '0', match[3] ?? '0'].join('.');
}

export type HandshakeResult =
  | { ok: true; version: string }
  | {
      ok: false;
      problem: 'missing' | 'mismatch' | 'unreachable';
      detail: string;
    };

/** Ask the server extension for its version and compare it with ours. */
export async function handshake(): Promise<HandshakeResult> {
  let version: string;
  try {
    version = await getVersion();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return { ok: false, problem: 'missing', detail: error.message };
    }
    return {
      ok: false,
      problem: 'unreachable',
      detail: (error as Error).message
    };
  }
  if (releaseOf(version) !== releaseOf(VERSION)) {
    return { ok: false, problem: 'mismatch', detail: version };
  }
  return { ok: true, version };
}

/** Run the handshake and tell the user, once, what is wrong. */
export async function checkServerExtension(
  trans: TranslationBundle
): Promise<HandshakeResult> {
  const result = await handshake();
  if (result.ok) {
    return result;
  }
  let message: string;
  let details: string;
  switch (result.problem) {
    case 'missing':
      message = trans.__(
        'Posit Connect publishing is unavailable: the rsconnect_lab server extension is not installed or not enabled.'
      );
      details = trans.__(
        'The JupyterLab extension rsconnect-lab %1 is installed, but the Jupyter server does not answer its routes. Install the Python package in the environment that runs the Jupyter server (pip install rsconnect_lab), check "jupyter server extension list" shows rsconnect_lab enabled, then restart JupyterLab.',
        VERSION
      );
      break;
    case 'mismatch':
      message = trans.__(
        'rsconnect_lab versions differ: server extension %1, JupyterLab extension %2. Reinstall and restart.',
        result.detail,
        VERSION
      );
      details = trans.__(
        'The server extension (%1) and the JupyterLab extension (%2) come from different installs of rsconnect_lab. Reinstall rsconnect_lab in the environment that runs the Jupyter server, then restart JupyterLab and reload this page.',
        result.detail,
        VERSION
      );
      break;
    default:
      message = trans.__(
        'Could not reach the rsconnect_lab server extension: %1',
        result.detail
      );
      details = result.detail;
  }
  Notification.emit(
    message,
    result.problem === 'mismatch' ? 'warning' : 'error',
    {
      autoClose: false,
      actions: [
        {
          label: trans.__('Details'),
          callback: event => {
            event.preventDefault();
            void showDialog({
              title: trans.__('Posit Connect server extension'),
              body: details,
              buttons: [Dialog.okButton({ label: trans.__('Close') })]
            });
          }
        }
      ]
    }
  );
  return result;
}
