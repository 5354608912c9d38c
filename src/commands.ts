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
import { ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import {
  ApiError,
  IDeployment,
  IManifestRequest,
  IManifestResult,
  listDeployments,
  writeManifest
} from './api';
import { ConnectPanel } from './components/ConnectPanel';
import { APP_MODES } from './components/PublishForm';
import { basename, openUrl } from './components/hooks';
import { connectIcon } from './icons';
import { ConnectModel, deploymentServer, publishableKind } from './model';
import { notifyError } from './notify';

/** Deployments with a content URL, newest first. */
export function openableDeployments(
  deployments: ReadonlyArray<IDeployment>
): IDeployment[] {
  const time = (d: IDeployment): number => {
    const value = d.deployed_at;
    const date = new Date(
      typeof value === 'number' ? value * 1000 : (value ?? 0)
    );
    return isNaN(date.getTime()) ? 0 : date.getTime();
  };
  return deployments
    .filter(d => d.content_url)
    .sort((a, b) => time(b) - time(a));
}

/**
 * Ask which deployment to open when a file has several (title · server, newest
 * first); resolves with the chosen one, or null when the user cancelled.
 */
export async function chooseDeployment(
  deployments: IDeployment[],
  model: ConnectModel,
  trans: TranslationBundle,
  name: string
): Promise<IDeployment | null> {
  if (deployments.length <= 1) {
    return deployments[0] ?? null;
  }
  const select = document.createElement('select');
  select.className = 'jp-mod-styled jp-RSConnect-chooseDeployment';
  select.setAttribute('aria-label', trans.__('Deployment'));
  deployments.forEach((d, index) => {
    const option = document.createElement('option');
    option.value = String(index);
    option.textContent = trans.__(
      '%1 · %2',
      d.title || d.content_guid || trans.__('untitled'),
      deploymentServer(d, model.servers.value)
    );
    select.appendChild(option);
  });
  const body = new Widget({ node: document.createElement('div') });
  const label = document.createElement('p');
  label.textContent = trans.__(
    '%1 has %2 deployments. Which one do you want to open?',
    name,
    String(deployments.length)
  );
  body.node.append(label, select);
  const result = await showDialog({
    title: trans.__('Open on Connect'),
    body,
    focusNodeSelector: 'select',
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Open') })
    ]
  });
  if (!result.button.accept) {
    return null;
  }
  return deployments[Number(select.value)] ?? null;
}

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

/** The path of a widget when it is a publishable document, else null. */
export function documentPath(widget: Widget | null | undefined): string | null {
  if (widget instanceof DocumentWidget) {
    const path = widget.context.path;
    return publishableKind(path) ? path : null;
  }
  return null;
}

/** The path of the publishable document in the main area, if any. */
export function currentDocumentPath(app: JupyterFrontEnd): string | null {
  return documentPath(app.shell.currentWidget);
}

/** What `followActiveDocument` needs of the JupyterLab shell (`ILabShell`). */
export interface IDocumentShell {
  readonly currentWidget: Widget | null;
  readonly currentChanged: ISignal<any, { newValue: Widget | null }>;
  readonly activeChanged: ISignal<any, { newValue: Widget | null }>;
}

/**
 * Make the panel follow the document the user works in. A file chosen from the
 * file browser's context menu stays the panel's file only until a document tab
 * is activated: clicking a tab (even the one that was already current) or into
 * a document makes it the panel's file again. Other widgets (the file browser,
 * a launcher, this panel) leave the panel's file as it is. Returns a function
 * that makes the current document the panel's file (after the layout is restored).
 */
export function followActiveDocument(
  shell: IDocumentShell,
  model: ConnectModel,
  pathOf: (widget: Widget | null) => string | null = documentPath
): () => void {
  const follow = (widget: Widget | null): void => {
    const path = pathOf(widget);
    if (path) {
      model.currentPath = path;
    }
  };
  shell.currentChanged.connect((_, args) => follow(args.newValue), model);
  shell.activeChanged.connect((_, args) => follow(args.newValue), model);
  const followCurrent = (): void => follow(shell.currentWidget);
  followCurrent();
  return followCurrent;
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

/** The app type a written manifest names ("Streamlit"), null when it names none. */
export function manifestAppType(result: IManifestResult): string | null {
  const manifest = result?.manifest as
    { metadata?: { appmode?: unknown } } | undefined;
  const mode = manifest?.metadata?.appmode;
  if (typeof mode !== 'string' || !mode) {
    return null;
  }
  return APP_MODES.find(([value]) => value === mode)?.[1] ?? mode;
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
        const deployments = openableDeployments(await listDeployments(path));
        if (deployments.length > 0) {
          const chosen = await chooseDeployment(
            deployments,
            model,
            trans,
            basename(path)
          );
          if (chosen?.content_url) {
            openUrl(chosen.content_url);
          }
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
        const message = String((error as Error)?.message ?? error);
        notifyError(trans.__('Could not look up deployments: %1', message), {
          trans,
          title: trans.__('Open on Connect'),
          details: message
        });
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
        // The type given to the command wins; else an app keeps the type it
        // was published with; else the server guesses it from the imports.
        if (kind === 'python') {
          const appMode =
            typeof args.app_mode === 'string' && args.app_mode
              ? args.app_mode
              : (await listDeployments(path).catch(() => [])).find(d =>
                  d.app_mode?.startsWith('python-')
                )?.app_mode;
          if (appMode) {
            request.app_mode = appMode;
          }
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
        const files = written.length > 0 ? written.join(', ') : 'manifest.json';
        const appType = kind === 'python' ? manifestAppType(result) : null;
        Notification.success(
          appType
            ? trans.__(
                'Wrote %1 beside %2 (app type: %3).',
                files,
                name,
                appType
              )
            : trans.__('Wrote %1 beside %2.', files, name),
          { autoClose: 5000 }
        );
        void app.commands.execute('filebrowser:refresh').catch(() => undefined);
      } catch (error) {
        const message = String((error as Error)?.message ?? error);
        notifyError(
          trans.__('Could not write the manifest for %1: %2', name, message),
          {
            trans,
            title: trans.__('Write manifest for git publishing'),
            details: message,
            subject: `manifest:${path}`
          }
        );
      }
    }
  });
}
