/** Which file a command is about. */
jest.mock('@jupyterlab/apputils', () =>
  jest.requireActual('./support/apputils').apputilsMock()
);
jest.mock('@jupyterlab/docregistry', () => ({ DocumentWidget: class {} }));
jest.mock('../api', () => ({
  ...jest.requireActual('../api'),
  listDeployments: jest.fn(),
  writeManifest: jest.fn()
}));

import { Notification } from '@jupyterlab/apputils';

import * as api from '../api';
import {
  CommandIDs,
  addCommands,
  followActiveDocument,
  manifestAppType,
  resolvePath
} from '../commands';
import { ConnectModel } from '../model';
import { trans } from './support/trans';

function context(options: {
  selected?: string;
  currentPath?: string | null;
}): Parameters<typeof resolvePath>[0] {
  const model = new ConnectModel();
  model.currentPath = options.currentPath ?? null;
  return {
    app: { shell: { currentWidget: null } },
    model,
    panel: {},
    fileBrowser: {
      selectedItems: () =>
        (options.selected ? [{ path: options.selected }] : [])[
          Symbol.iterator
        ]()
    },
    trans: {}
  } as any;
}

describe('resolvePath', () => {
  it('prefers an explicit path', () => {
    expect(
      resolvePath(context({ selected: 'b.ipynb' }), {
        path: 'a.ipynb',
        fromFileBrowser: true
      })
    ).toBe('a.ipynb');
  });

  it("uses the file browser's selection from its context menu", () => {
    expect(
      resolvePath(context({ selected: 'dir/app.py' }), {
        fromFileBrowser: true
      })
    ).toBe('dir/app.py');
  });

  it("falls back to the panel's current file", () => {
    expect(
      resolvePath(context({ selected: 'x.ipynb', currentPath: 'c.ipynb' }), {})
    ).toBe('c.ipynb');
    expect(resolvePath(context({}), {})).toBeNull();
  });
});

describe('followActiveDocument', () => {
  /** A document tab of the main area (the mocked DocumentWidget class). */
  function documentTab(path: string): any {
    const { DocumentWidget } = jest.requireMock('@jupyterlab/docregistry');
    return Object.assign(new DocumentWidget(), { context: { path } });
  }

  function setup(selected: string) {
    const { Signal } = jest.requireActual('@lumino/signaling');
    const { CommandRegistry } = jest.requireActual('@lumino/commands');
    const owner = {};
    const shell = {
      currentWidget: null as any,
      currentChanged: new Signal(owner),
      activeChanged: new Signal(owner),
      add: jest.fn(),
      activateById: jest.fn()
    };
    const model = new ConnectModel();
    jest.spyOn(model, 'refreshDeployments').mockResolvedValue([]);
    const panel = {
      id: 'rsconnect-lab-panel',
      isAttached: true,
      publish: { focusForm: jest.fn() },
      servers: {},
      expandSection: jest.fn()
    };
    const app = { commands: new CommandRegistry(), shell };
    addCommands({
      app,
      model,
      panel,
      fileBrowser: {
        selectedItems: () => [{ path: selected }][Symbol.iterator]()
      },
      trans
    } as any);
    followActiveDocument(shell, model);
    /** Activate a tab: current (when it was not) and active. */
    const activate = (widget: any): void => {
      const old = shell.currentWidget;
      shell.currentWidget = widget;
      if (old !== widget) {
        shell.currentChanged.emit({ oldValue: old, newValue: widget });
      }
      shell.activeChanged.emit({ oldValue: null, newValue: widget });
    };
    return { app, shell, model, activate };
  }

  it('follows the active tab again after a context-menu selection', async () => {
    const { app, model, activate } = setup('other/app.py');
    const first = documentTab('first.ipynb');
    const second = documentTab('second.ipynb');
    activate(first);
    expect(model.currentPath).toBe('first.ipynb');

    // Right-click "Publish to Connect" in the file browser selects that file…
    await app.commands.execute(CommandIDs.publish, { fromFileBrowser: true });
    expect(model.currentPath).toBe('other/app.py');
    // …and the file browser or the panel getting the focus keeps it.
    activate({});
    expect(model.currentPath).toBe('other/app.py');

    // Another document tab takes over.
    activate(second);
    expect(model.currentPath).toBe('second.ipynb');
  });

  it('follows a click on the tab that was already current', async () => {
    const { app, model, activate } = setup('other/app.py');
    const first = documentTab('first.ipynb');
    activate(first);
    await app.commands.execute(CommandIDs.publish, { fromFileBrowser: true });
    expect(model.currentPath).toBe('other/app.py');
    // Same current widget: only `activeChanged` fires.
    activate(first);
    expect(model.currentPath).toBe('first.ipynb');
  });

  it('ignores documents that cannot be published', () => {
    const { model, activate } = setup('x.ipynb');
    activate(documentTab('a.ipynb'));
    activate(documentTab('notes.md'));
    expect(model.currentPath).toBe('a.ipynb');
  });
});

describe('Write manifest for git publishing', () => {
  const mocked = api as jest.Mocked<typeof api>;

  function setup(): { execute: (args: any) => Promise<unknown> } {
    const { CommandRegistry } = jest.requireActual('@lumino/commands');
    const commands = new CommandRegistry();
    commands.addCommand('filebrowser:refresh', { execute: () => undefined });
    addCommands({
      app: { commands, shell: { currentWidget: null } },
      model: new ConnectModel(),
      panel: {},
      trans
    } as any);
    return {
      execute: args => commands.execute(CommandIDs.writeManifest, args)
    };
  }

  const written = (appmode: string): api.IManifestResult => ({
    created: ['apps/manifest.json'],
    skipped: [],
    manifest: { metadata: { appmode } }
  });

  beforeEach(() => {
    jest.clearAllMocks();
    mocked.listDeployments.mockResolvedValue([]);
  });

  it("leaves a new app's type to the server's guess, and says which it wrote", async () => {
    mocked.writeManifest.mockResolvedValue(written('python-streamlit'));
    await setup().execute({ path: 'apps/app.py' });
    expect(mocked.writeManifest).toHaveBeenCalledWith(
      { path: 'apps/app.py', mode: 'app' },
      false
    );
    expect(Notification.success).toHaveBeenCalledWith(
      'Wrote manifest.json beside app.py (app type: Streamlit).',
      expect.anything()
    );
  });

  it('keeps the type an app was published with', async () => {
    mocked.listDeployments.mockResolvedValue([
      { content_guid: 'g1', app_mode: 'python-fastapi' }
    ]);
    mocked.writeManifest.mockResolvedValue(written('python-fastapi'));
    await setup().execute({ path: 'apps/app.py' });
    expect(mocked.writeManifest).toHaveBeenCalledWith(
      { path: 'apps/app.py', mode: 'app', app_mode: 'python-fastapi' },
      false
    );
  });

  it('takes the type given to the command over the record', async () => {
    mocked.listDeployments.mockResolvedValue([
      { content_guid: 'g1', app_mode: 'python-fastapi' }
    ]);
    mocked.writeManifest.mockResolvedValue(written('python-api'));
    await setup().execute({ path: 'apps/app.py', app_mode: 'python-api' });
    expect(mocked.writeManifest).toHaveBeenCalledWith(
      { path: 'apps/app.py', mode: 'app', app_mode: 'python-api' },
      false
    );
    expect(mocked.listDeployments).not.toHaveBeenCalled();
  });

  it('sends no app type for a notebook', async () => {
    mocked.writeManifest.mockResolvedValue(written('jupyter-static'));
    await setup().execute({ path: 'work/report.ipynb' });
    expect(mocked.writeManifest).toHaveBeenCalledWith(
      { path: 'work/report.ipynb', mode: 'source' },
      false
    );
    expect(Notification.success).toHaveBeenCalledWith(
      'Wrote manifest.json beside report.ipynb.',
      expect.anything()
    );
  });

  it('names the app type of a manifest', () => {
    expect(manifestAppType(written('python-api'))).toBe('Flask (WSGI)');
    expect(manifestAppType(written('python-new-kind'))).toBe('python-new-kind');
    expect(manifestAppType({ created: [] })).toBeNull();
  });
});
