/**
 * rsconnect-lab: publish notebooks and Python apps to Posit Connect.
 * Wiring only: the model, the sidebar panel, the commands and the settings.
 */
import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { ApiError } from './api';
import {
  CommandIDs,
  addCommands,
  followActiveDocument,
  saveOpenDocuments
} from './commands';
import { ConnectPanel } from './components/ConnectPanel';
import { checkServerExtension } from './handshake';
import { ConnectModel, DEFAULT_SETTINGS, IConnectSettings } from './model';
import { notifyResumedJobs, publishWithFeedback } from './publish';

const PLUGIN_ID = 'rsconnect-lab:plugin';

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Publish notebooks and Python apps to Posit Connect.',
  autoStart: true,
  optional: [
    ICommandPalette,
    ILayoutRestorer,
    ILabShell,
    IDefaultFileBrowser,
    ISettingRegistry,
    ITranslator
  ],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    labShell: ILabShell | null,
    fileBrowser: IDefaultFileBrowser | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null
  ): void => {
    const translator_ = translator ?? nullTranslator;
    const trans = translator_.load('rsconnect_lab');
    const model = new ConnectModel({
      // '' clears the setting (a removed default server is forgotten).
      saveDefaultServer: settingRegistry
        ? name => settingRegistry.set(PLUGIN_ID, 'defaultServer', name)
        : undefined
    });

    const setDefaultServer = settingRegistry
      ? (name: string): void => {
          void model.setDefaultServer(name);
        }
      : undefined;

    const panel = new ConnectPanel({
      model,
      trans,
      translator: translator_,
      onPublish: options =>
        publishWithFeedback({
          model,
          trans,
          // Unsaved edits go with the publish: the server reads the files on disk.
          prepare: request =>
            saveOpenDocuments(app, [
              request.path,
              ...(request.extra_files ?? [])
            ]),
          ...options
        }),
      onMakeDefault: setDefaultServer
    });
    app.shell.add(panel, 'left', { rank: 900 });
    restorer?.add(panel, panel.id);
    panel.disposed.connect(() => model.dispose());

    addCommands({ app, model, panel, fileBrowser, trans });
    notifyResumedJobs(model, trans);
    if (palette) {
      const category = trans.__('Posit Connect');
      for (const command of [
        CommandIDs.publish,
        CommandIDs.addServer,
        CommandIDs.openOnConnect,
        CommandIDs.writeManifest
      ]) {
        palette.addItem({ command, category });
      }
    }

    // The panel follows the active document tab of the main area (a file
    // chosen in the file browser's context menu only until another tab is activated).
    if (labShell) {
      const followCurrent = followActiveDocument(labShell, model);
      void app.restored.then(followCurrent);
    }

    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = (): void => {
            model.settings = {
              ...DEFAULT_SETTINGS,
              ...(settings.composite as Partial<IConnectSettings>)
            };
          };
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason => {
          console.error('rsconnect-lab: could not load settings', reason);
        });
    }

    void checkServerExtension(trans).then(result => {
      if (result.ok || result.problem === 'mismatch') {
        void model.refreshServers();
        // A publish still running after a reload of the page is followed again.
        void model.resumeJobs();
      } else {
        // Say it in the panel too, instead of an empty server list.
        model.markUnavailable(
          new ApiError(
            trans.__(
              'The rsconnect_lab server extension does not answer (%1).',
              result.detail
            ),
            { reason: 'extension_missing' }
          )
        );
      }
    });
  }
};

export default plugin;
