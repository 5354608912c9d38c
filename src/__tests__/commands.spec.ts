/** Which file a command is about. */
jest.mock('@jupyterlab/apputils', () => ({
  Dialog: {},
  Notification: {},
  showDialog: jest.fn()
}));
jest.mock('@jupyterlab/docregistry', () => ({ DocumentWidget: class {} }));

import { resolvePath } from '../commands';
import { ConnectModel } from '../model';

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
