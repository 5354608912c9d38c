/**
 * The commands of the extension. They are registered here once; where they
 * appear (palette, file browser context menu, notebook toolbar) is declared in
 * schema/plugin.json, except for the palette items added in index.ts.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { DocumentWidget } from '@jupyterlab/docregistry';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import {
  ApiError,
  IManifestRequest,
  IManifestResult,
  listDeployments,
  writeManifest
} from './api';
import { ConnectPanel } from './components/ConnectPanel';
import { basename, openUrl } from './components/hooks';
import { connectIcon } from './icons';
import { ConnectModel, publishableKind } from './model';

export namespace CommandIDs {
  /** Open the publish form for a file (args: `path`, or `fromFileBrowser`). */
  export const publish = 'rsconnect-lab:publish';
  /** Open the add-server form. */
  export const addServer = 'rsconnect-lab:add-server';
  /** Open a file's newest deployment on Connect. */
  export const openOnConnect = 'rsconnect-lab:open-on-connect';
  /** Write manifest.json beside a file, for git-backed publishing. */
  export const writeManifest = 'rsconnect-lab:write-manifest';
}

export interface ICommandContext {
  app: JupyterFrontEnd;
  model: ConnectModel;
  panel: ConnectPanel;
  fileBrowser: IDefaultFileBrowser | null;
  trans: TranslationBundle;
}

/** The path of the publishable document in the main area, if any. */
export function currentDocumentPath(app: JupyterFrontEnd): string | null {
  const widget = app.shell.currentWidget;
  if (widget instanceof DocumentWidget) {
    const path = widget.context.path;
    return publishableKind(path) ? path : null;
  }
  return null;
}

/**
 * Save the open documents of these paths that have unsaved edits, so a
 * publish (which reads the files on disk) includes what the user sees.
 */
export async function saveOpenDocuments(
  app: JupyterFrontEnd,
  paths: ReadonlyArray<string>
): Promise<void> {
  const saved = new Set<unknown>();
  for (const widget of app.shell.widgets('main')) {
    if (!(widget instanceof DocumentWidget)) {
      continue;
    }
    const context = widget.context;
    if (
      paths.includes(context.path) &&
      !saved.has(context) &&
      context.model.dirty
    ) {
      saved.add(context);
      await context.save();
    }
  }
}

/**
 * The file a command is about: an explicit `path` argument, else the file
 * browser's selection when run from its context menu, else the current
 * document, else the panel's current file.
 */
export function resolvePath(
  context: ICommandContext,
  args: ReadonlyPartialJSONObject
): string | null {
  if (typeof args.path === 'string' && args.path) {
    return args.path;
  }
  if (args.fromFileBrowser && context.fileBrowser) {
    const selected = context.fileBrowser.selectedItems().next();
    if (!selected.done && selected.value) {
      return selected.value.path;
    }
  }
  return currentDocumentPath(context.app) ?? context.model.currentPath;
}

/** The files a manifest request wrote, whatever the shape of the answer. */
function writtenFiles(result: IManifestResult): string[] {
  if (Array.isArray(result?.created)) {
    return result.created.map(String);
  }
  const written = result?.written;
  if (Array.isArray(written)) {
    return written.map(String);
  }
  if (written && Array.isArray(written.created)) {
    return written.created.map(String);
  }
  return [];
}

/** The file of a command, or a hint to the user (and null) when there is none. */
function pathOrHint(
  context: ICommandContext,
  args: ReadonlyPartialJSONObject
): string | null {
  const path = resolvePath(context, args);
  if (!path) {
    Notification.info(
      context.trans.__('Open a notebook or a Python file first.'),
      { autoClose: 5000 }
    );
  }
  return path;
}

function showPanel(context: ICommandContext): void {
  const { app, panel } = context;
  if (!panel.isAttached) {
    app.shell.add(panel, 'left', { rank: 900 });
  }
  app.shell.activateById(panel.id);
}

export function addCommands(context: ICommandContext): void {
  const { app, model, panel, trans } = context;
  const { commands } = app;

  commands.addCommand(CommandIDs.publish, {
    label: trans.__('Publish to Connect'),
    caption: trans.__('Publish this notebook or app to Posit Connect'),
    icon: args => (args.isPalette ? undefined : connectIcon),
    execute: args => {
      const path = resolvePath(context, args);
      if (path && publishableKind(path)) {
        model.currentPath = path;
      }
      showPanel(context);
      panel.expandSection(panel.publish);
      if (model.servers.value.length === 0) {
        panel.expandSection(panel.servers);
      }
      panel.publish.focusForm();
    }
  });

  commands.addCommand(CommandIDs.addServer, {
    label: trans.__('Add Connect server'),
    caption: trans.__('Add a Posit Connect server with its URL and an API key'),
    execute: () => {
      showPanel(context);
      panel.expandSection(panel.servers);
      panel.servers.showAddForm();
    }
  });

  commands.addCommand(CommandIDs.openOnConnect, {
    label: trans.__('Open on Connect'),
    caption: trans.__(
      'Open the published content of this file on Posit Connect'
    ),
    execute: async args => {
      const path = pathOrHint(context, args);
      if (!path) {
        return;
      }
      try {
        const deployments = await listDeployments(path);
        const newest = [...deployments]
          .filter(d => d.content_url)
          .sort(
            (a, b) =>
              new Date(b.deployed_at ?? 0).getTime() -
              new Date(a.deployed_at ?? 0).getTime()
          )[0];
        if (newest?.content_url) {
          openUrl(newest.content_url);
          return;
        }
        Notification.info(
          trans.__('%1 has not been published to Connect yet.', basename(path)),
          {
            autoClose: 8000,
            actions: [
              {
                label: trans.__('Publish…'),
                callback: () =>
                  void commands.execute(CommandIDs.publish, { path })
              }
            ]
          }
        );
      } catch (error) {
        Notification.error(
          trans.__(
            'Could not look up deployments: %1',
            (error as Error).message
          )
        );
      }
    }
  });

  commands.addCommand(CommandIDs.writeManifest, {
    label: trans.__('Write manifest for git publishing'),
    caption: trans.__(
      "Write manifest.json beside the file, for Connect's git-backed publishing"
    ),
    execute: async args => {
      const path = pathOrHint(context, args);
      if (!path) {
        return;
      }
      const name = basename(path);
      const kind = publishableKind(path);
      const request: IManifestRequest = {
        path,
        mode: kind === 'python' ? 'app' : 'source'
      };
      try {
        // An app keeps the type it was published with.
        const published = await listDeployments(path).catch(() => []);
        const appMode = published.find(d =>
          d.app_mode?.startsWith('python-')
        )?.app_mode;
        if (kind === 'python' && appMode) {
          request.app_mode = appMode;
        }
        let result: IManifestResult;
        try {
          result = await writeManifest(request, false);
        } catch (error) {
          if (
            !(error instanceof ApiError) ||
            !(error.status === 409 || error.reason === 'conflict')
          ) {
            throw error;
          }
          const answer = await showDialog({
            title: trans.__('Overwrite manifest.json?'),
            body: error.message,
            buttons: [
              Dialog.cancelButton({ label: trans.__('Cancel') }),
              Dialog.warnButton({ label: trans.__('Overwrite') })
            ]
          });
          if (!answer.button.accept) {
            return;
          }
          result = await writeManifest(request, true);
        }
        const written = writtenFiles(result).map(basename);
        Notification.success(
          written.length > 0
            ? trans.__('Wrote %1 beside %2.', written.join(', '), name)
            : trans.__('Wrote manifest.json beside %1.', name),
          { autoClose: 5000 }
        );
        void app.commands.execute('filebrowser:refresh').catch(() => undefined);
      } catch (error) {
        Notification.error(
          trans.__(
            'Could not write the manifest for %1: %2',
            name,
            (error as Error).message
          ),
          { autoClose: false }
        );
      }
    }
  });
}
