/** The publish form's defaults and the request it sends. */
jest.mock('../api', () => ({
  ...jest.requireActual('../api'),
  listServers: jest.fn(),
  listDeployments: jest.fn(),
  getFileFacts: jest.fn()
}));
jest.mock('@jupyterlab/apputils', () => ({
  Dialog: {},
  Notification: {},
  showDialog: jest.fn()
}));

import * as React from 'react';
import { act } from 'react';
import { Root, createRoot } from 'react-dom/client';

import * as api from '../api';
import { PublishPanel } from '../components/PublishForm';
import { ConnectModel, DEFAULT_SETTINGS } from '../model';

import { trans } from './support/trans';

const mocked = api as jest.Mocked<typeof api>;

const servers: api.IServer[] = [
  { name: 'local', url: 'http://127.0.0.1:3939', source: 'embedded' },
  { name: 'prod', url: 'https://connect.example.com', source: 'saved' }
];

describe('PublishPanel', () => {
  let container: HTMLDivElement;
  let root: Root;
  let model: ConnectModel;
  let onPublish: jest.Mock;

  beforeAll(() => {
    (globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;
  });

  beforeEach(async () => {
    jest.resetAllMocks();
    mocked.listServers.mockResolvedValue(servers);
    mocked.listDeployments.mockResolvedValue([]);
    container = document.createElement('div');
    document.body.appendChild(container);
    root = createRoot(container);
    model = new ConnectModel();
    onPublish = jest.fn().mockResolvedValue(null);
    await act(() => model.refreshServers());
  });

  afterEach(() => {
    act(() => root.unmount());
    container.remove();
    model.dispose();
  });

  let onAddServer: jest.Mock;

  async function show(path: string): Promise<void> {
    onAddServer = jest.fn();
    await act(async () => {
      root.render(
        <PublishPanel
          model={model}
          trans={trans}
          onPublish={onPublish}
          onAddServer={onAddServer}
        />
      );
    });
    await act(async () => {
      model.currentPath = path;
    });
    await act(() => model.refreshDeployments());
  }

  function field<T extends Element>(name: string): T {
    return container.querySelector<T>(`[name="${name}"]`)!;
  }

  async function submit(): Promise<void> {
    await act(async () => {
      container
        .querySelector('form.jp-RSConnect-publishForm')!
        .dispatchEvent(
          new Event('submit', { bubbles: true, cancelable: true })
        );
    });
  }

  it('asks to open a file when there is none', async () => {
    await act(async () => {
      root.render(
        <PublishPanel model={model} trans={trans} onPublish={onPublish} />
      );
    });
    expect(container.textContent).toContain('Open a notebook');
  });

  it('starts from the settings for a new notebook', async () => {
    model.settings = {
      ...DEFAULT_SETTINGS,
      defaultServer: 'prod',
      defaultMode: 'static'
    };
    await show('work/report.ipynb');
    expect(field<HTMLSelectElement>('server').value).toBe('prod');
    expect(field<HTMLSelectElement>('target').value).toBe('new');
    expect(field<HTMLInputElement>('title').value).toBe('report');
    expect(field<HTMLSelectElement>('mode').value).toBe('static');
    await submit();
    expect(onPublish).toHaveBeenCalledWith({
      request: {
        path: 'work/report.ipynb',
        server: 'prod',
        mode: 'static',
        title: 'report',
        hide_input: 'none'
      },
      existingTitle: null
    });
  });

  it('targets the deployment on the chosen server, with its title and mode', async () => {
    mocked.listDeployments.mockResolvedValue([
      {
        server_name: 'local',
        server_url: 'http://127.0.0.1:3939',
        content_guid: 'g1',
        title: 'Quarterly report',
        mode: 'static',
        app_mode: 'static',
        hide_input: 'all',
        content_url: 'http://127.0.0.1:3939/content/g1/'
      }
    ]);
    await show('work/report.ipynb');
    expect(field<HTMLSelectElement>('server').value).toBe('local');
    expect(field<HTMLSelectElement>('target').value).toBe('g1');
    expect(field<HTMLInputElement>('title').value).toBe('Quarterly report');
    expect(field<HTMLSelectElement>('mode').value).toBe('static');
    expect(field<HTMLSelectElement>('hide_input').value).toBe('all');
    expect(
      container.querySelector('.jp-RSConnect-publishButton')!.textContent
    ).toBe('Update');
    await submit();
    expect(onPublish.mock.calls[0][0]).toMatchObject({
      request: { content_guid: 'g1', server: 'local', hide_input: 'all' },
      existingTitle: 'Quarterly report'
    });
  });

  function choose(name: string, value: string): Promise<void> {
    return act(async () => {
      const select = field<HTMLSelectElement>(name);
      select.value = value;
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
  }

  const hidden = {
    server_name: 'local',
    server_url: 'http://127.0.0.1:3939',
    content_guid: 'g-hidden',
    title: 'Hidden code',
    mode: 'static',
    hide_input: 'tagged',
    extra_files: ['work/data.csv', 'work/sub/lookup.json'],
    deployed_at: '2026-01-01T00:00:00Z'
  };
  const shown = {
    server_name: 'local',
    server_url: 'http://127.0.0.1:3939',
    content_guid: 'g-shown',
    title: 'Shown code',
    mode: 'source',
    hide_input: 'none',
    deployed_at: '2026-02-01T00:00:00Z'
  };

  it('takes hide input, mode and extra files from the target picked', async () => {
    mocked.listDeployments.mockResolvedValue([hidden, shown]);
    await show('work/report.ipynb');
    // The newest target first: its code was shown.
    expect(field<HTMLSelectElement>('target').value).toBe('g-shown');
    expect(field<HTMLSelectElement>('hide_input').value).toBe('none');
    await choose('target', 'g-hidden');
    expect(field<HTMLSelectElement>('hide_input').value).toBe('tagged');
    expect(field<HTMLSelectElement>('mode').value).toBe('static');
    expect(field<HTMLTextAreaElement>('extra_files').value).toBe(
      'data.csv\nsub/lookup.json'
    );
    // A choice made for one target does not leak into another.
    await choose('hide_input', 'none');
    await choose('target', 'new');
    await choose('target', 'g-hidden');
    expect(field<HTMLSelectElement>('hide_input').value).toBe('tagged');
    await submit();
    expect(onPublish.mock.calls[0][0].request).toEqual({
      path: 'work/report.ipynb',
      server: 'local',
      mode: 'static',
      title: 'Hidden code',
      content_guid: 'g-hidden',
      hide_input: 'tagged',
      extra_files: ['work/data.csv', 'work/sub/lookup.json']
    });
  });

  it('Redeploy fills the form with that record, hidden code included', async () => {
    mocked.listDeployments.mockResolvedValue([hidden, shown]);
    await show('work/report.ipynb');
    await choose('hide_input', 'none');
    const item = container.querySelector(
      '.jp-RSConnect-target[data-content-guid="g-hidden"]'
    )!;
    await act(async () => {
      Array.from(item.querySelectorAll('button'))
        .find(b => b.textContent === 'Redeploy')!
        .click();
    });
    expect(field<HTMLSelectElement>('target').value).toBe('g-hidden');
    expect(field<HTMLSelectElement>('hide_input').value).toBe('tagged');
    await submit();
    expect(onPublish.mock.calls[0][0].request).toMatchObject({
      content_guid: 'g-hidden',
      hide_input: 'tagged'
    });
  });

  it('keeps the entrypoint of an app record', async () => {
    mocked.listDeployments.mockResolvedValue([
      {
        server_name: 'local',
        server_url: 'http://127.0.0.1:3939',
        content_guid: 'g-app',
        title: 'My app',
        mode: 'app',
        app_mode: 'python-streamlit',
        entrypoint: 'app:server'
      }
    ]);
    await show('apps/app.py');
    expect(field<HTMLInputElement>('entrypoint').value).toBe('app:server');
    expect(field<HTMLSelectElement>('app_mode').value).toBe('python-streamlit');
  });

  it('asks the server to check the title of explicit new content, then targets what it made', async () => {
    mocked.listDeployments.mockResolvedValue([shown]);
    await show('work/report.ipynb');
    await choose('target', 'new');
    const created = {
      ...shown,
      content_guid: 'g-new',
      title: 'report',
      deployed_at: '2026-03-01T00:00:00Z'
    };
    onPublish.mockImplementation(async () => {
      mocked.listDeployments.mockResolvedValue([shown, created]);
      await model.refreshDeployments();
      return {
        id: 'j1',
        path: 'work/report.ipynb',
        server: 'local',
        state: 'succeeded',
        content_guid: 'g-new',
        log: [],
        log_length: 0
      };
    });
    await submit();
    expect(onPublish.mock.calls[0][0].request).toMatchObject({
      new: true,
      check_title: true
    });
    expect(onPublish.mock.calls[0][0].request.content_guid).toBeUndefined();
    // A second click updates that content instead of making another copy.
    expect(field<HTMLSelectElement>('target').value).toBe('g-new');
    expect(
      container.querySelector('.jp-RSConnect-publishButton')!.textContent
    ).toBe('Update');
  });

  it('publishes a Python file as an app with its entrypoint', async () => {
    await show('apps/app.py');
    expect(field('mode')).toBeNull();
    expect(field<HTMLSelectElement>('app_mode').value).toBe('python-dash');
    expect(field<HTMLInputElement>('entrypoint').value).toBe('app');
    await submit();
    expect(onPublish.mock.calls[0][0].request).toEqual({
      path: 'apps/app.py',
      server: 'local',
      mode: 'app',
      title: 'app',
      app_mode: 'python-dash',
      entrypoint: 'app'
    });
  });

  it("starts a new app on the type its imports suggest, noting it's a guess", async () => {
    mocked.getFileFacts.mockResolvedValue({
      path: 'apps/app.py',
      detected_app_mode: 'python-streamlit'
    });
    await show('apps/app.py');
    expect(mocked.getFileFacts).toHaveBeenCalledWith('apps/app.py');
    expect(field<HTMLSelectElement>('app_mode').value).toBe('python-streamlit');
    expect(
      container.querySelector('.jp-RSConnect-appModeHint')?.textContent
    ).toContain('Guessed from the imports of app.py');
    await submit();
    expect(onPublish.mock.calls[0][0].request.app_mode).toBe(
      'python-streamlit'
    );
  });

  it("keeps a record's app type over the guess, and the user's choice over both", async () => {
    mocked.getFileFacts.mockResolvedValue({
      path: 'apps/app.py',
      detected_app_mode: 'python-streamlit'
    });
    mocked.listDeployments.mockResolvedValue([
      {
        server_name: 'local',
        server_url: 'http://127.0.0.1:3939',
        content_guid: 'g-api',
        title: 'API',
        mode: 'app',
        app_mode: 'python-fastapi'
      }
    ]);
    await show('apps/app.py');
    expect(field<HTMLSelectElement>('app_mode').value).toBe('python-fastapi');
    expect(container.querySelector('.jp-RSConnect-appModeHint')).toBeNull();
    await choose('app_mode', 'python-api');
    await submit();
    expect(onPublish.mock.calls[0][0].request.app_mode).toBe('python-api');

    // New content: the guess, until the user picks another type.
    await choose('target', 'new');
    expect(field<HTMLSelectElement>('app_mode').value).toBe('python-streamlit');
    await choose('app_mode', 'python-gradio');
    mocked.getFileFacts.mockResolvedValue({
      path: 'apps/app.py',
      detected_app_mode: 'python-bokeh'
    });
    await act(async () => {
      await model.refreshDetectedAppMode();
    });
    expect(field<HTMLSelectElement>('app_mode').value).toBe('python-gradio');
  });

  it('starts on Dash when the imports suggest no framework', async () => {
    mocked.getFileFacts.mockResolvedValue({
      path: 'apps/app.py',
      detected_app_mode: null
    });
    await show('apps/app.py');
    expect(field<HTMLSelectElement>('app_mode').value).toBe('python-dash');
    expect(container.querySelector('.jp-RSConnect-appModeHint')).toBeNull();
  });

  it('asks for no guess about a notebook', async () => {
    await show('work/report.ipynb');
    expect(mocked.getFileFacts).not.toHaveBeenCalled();
  });

  function button(text: string | RegExp): HTMLButtonElement | undefined {
    return Array.from(container.querySelectorAll('button')).find(b =>
      typeof text === 'string'
        ? b.textContent === text
        : text.test(b.textContent ?? '')
    );
  }

  /** Set an input's value the way React notices it. */
  function type(input: HTMLInputElement, value: string): Promise<void> {
    return act(async () => {
      const setter = Object.getOwnPropertyDescriptor(
        HTMLInputElement.prototype,
        'value'
      )!.set!;
      setter.call(input, value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
  }

  it("starts on the newest deployment's server and target, not the default server", async () => {
    model.settings = { ...DEFAULT_SETTINGS, defaultServer: 'prod' };
    mocked.listDeployments.mockResolvedValue([hidden, shown]);
    await show('work/report.ipynb');
    expect(field<HTMLSelectElement>('server').value).toBe('local');
    expect(field<HTMLSelectElement>('target').value).toBe('g-shown');
    expect(
      container.querySelector('.jp-RSConnect-publishButton')!.textContent
    ).toBe('Update');
    // The default server still applies to a file never published.
    mocked.listDeployments.mockResolvedValue([]);
    await show('work/other.ipynb');
    expect(field<HTMLSelectElement>('server').value).toBe('prod');
    expect(field<HTMLSelectElement>('target').value).toBe('new');
  });

  it('skips deployments on servers no longer saved when choosing where to start', async () => {
    mocked.listDeployments.mockResolvedValue([
      shown,
      {
        ...hidden,
        server_name: 'gone',
        server_url: 'https://gone.example.com',
        content_guid: 'g-gone',
        deployed_at: '2026-05-01T00:00:00Z'
      }
    ]);
    await show('work/report.ipynb');
    expect(field<HTMLSelectElement>('server').value).toBe('local');
    expect(field<HTMLSelectElement>('target').value).toBe('g-shown');
  });

  it('Redeploy of a deployment whose server was removed says so and selects no other content', async () => {
    const orphan = {
      server_name: 'patc',
      server_url: 'http://127.0.0.1:39555',
      content_guid: 'g-pat',
      title: 'Pat via connect URL',
      mode: 'static',
      deployed_at: '2026-04-01T00:00:00Z'
    };
    const voila = {
      ...shown,
      content_guid: 'g-voila',
      title: 'Voila QA',
      mode: 'voila'
    };
    mocked.listDeployments.mockResolvedValue([orphan, voila]);
    await show('work/report.ipynb');
    const item = container.querySelector(
      '.jp-RSConnect-target[data-content-guid="g-pat"]'
    )!;
    expect(item.textContent).toContain('patc (server not saved)');
    await act(async () => {
      Array.from(item.querySelectorAll('button'))
        .find(b => b.textContent === 'Redeploy')!
        .click();
    });
    expect(field<HTMLSelectElement>('server').value).toBe('patc');
    expect(field<HTMLSelectElement>('target').value).toBe('g-pat');
    expect(field<HTMLInputElement>('title').value).toBe('Pat via connect URL');
    const warning = container.querySelector('.jp-RSConnect-missingServer')!;
    expect(warning.textContent).toContain('"patc"');
    expect(warning.textContent).toContain('no longer saved');
    const publish = container.querySelector<HTMLButtonElement>(
      '.jp-RSConnect-publishButton'
    )!;
    expect(publish.disabled).toBe(true);
    await submit();
    expect(onPublish).not.toHaveBeenCalled();

    // The add form comes filled in with that server.
    await act(async () => {
      button('Add server "patc" again')!.click();
    });
    expect(onAddServer).toHaveBeenCalledWith({
      url: 'http://127.0.0.1:39555',
      name: 'patc'
    });

    // Another saved server of the same URL may hold another account's key:
    // it is offered, never chosen on its own.
    mocked.listServers.mockResolvedValue([
      ...servers,
      { name: 'pat2', url: 'http://127.0.0.1:39555/', source: 'saved' }
    ]);
    await act(() => model.refreshServers());
    expect(field<HTMLSelectElement>('server').value).toBe('patc');
    expect(
      container.querySelector<HTMLButtonElement>('.jp-RSConnect-publishButton')!
        .disabled
    ).toBe(true);
    await act(async () => {
      button('Use pat2 (same URL)')!.click();
    });
    expect(container.querySelector('.jp-RSConnect-missingServer')).toBeNull();
    expect(field<HTMLSelectElement>('server').value).toBe('pat2');
    expect(field<HTMLSelectElement>('target').value).toBe('g-pat');
    await submit();
    expect(onPublish.mock.calls[0][0].request).toMatchObject({
      server: 'pat2',
      content_guid: 'g-pat',
      mode: 'static'
    });
  });

  it('redeploys on the removed server once it is added again under its name', async () => {
    const orphan = {
      server_name: 'patc',
      server_url: 'http://127.0.0.1:39555',
      content_guid: 'g-pat',
      title: 'Pat',
      mode: 'static'
    };
    mocked.listDeployments.mockResolvedValue([orphan, shown]);
    await show('work/report.ipynb');
    // Not the removed server's content when the form starts.
    expect(field<HTMLSelectElement>('server').value).toBe('local');
    expect(field<HTMLSelectElement>('target').value).toBe('g-shown');
    await act(async () => {
      Array.from(
        container
          .querySelector('.jp-RSConnect-target[data-content-guid="g-pat"]')!
          .querySelectorAll('button')
      )
        .find(b => b.textContent === 'Redeploy')!
        .click();
    });
    expect(
      container.querySelector('.jp-RSConnect-missingServer')
    ).not.toBeNull();
    mocked.listServers.mockResolvedValue([
      ...servers,
      { name: 'patc', url: 'http://127.0.0.1:39555', source: 'saved' }
    ]);
    await act(() => model.refreshServers());
    expect(container.querySelector('.jp-RSConnect-missingServer')).toBeNull();
    expect(field<HTMLSelectElement>('server').value).toBe('patc');
    expect(field<HTMLSelectElement>('target').value).toBe('g-pat');
    await submit();
    expect(onPublish.mock.calls[0][0].request).toMatchObject({
      server: 'patc',
      content_guid: 'g-pat'
    });
  });

  it('does not publish to a server whose key belongs to a viewer', async () => {
    mocked.listServers.mockResolvedValue([
      {
        name: 'vera',
        url: 'http://127.0.0.1:3939',
        source: 'saved',
        username: 'vera',
        user_role: 'viewer'
      }
    ]);
    await act(() => model.refreshServers());
    await show('work/report.ipynb');
    expect(
      container.querySelector('.jp-RSConnect-viewerWarning')!.textContent
    ).toContain('viewers cannot publish');
    expect(
      container.querySelector<HTMLButtonElement>('.jp-RSConnect-publishButton')!
        .disabled
    ).toBe(true);
  });

  it('does not publish to a server an administrator blocks, and says why', async () => {
    mocked.listServers.mockResolvedValue([
      {
        name: 'outside',
        url: 'https://connect.elsewhere.example',
        source: 'rsconnect-python',
        blocked: 'its address is not one of the allowed server URLs.'
      }
    ]);
    await act(() => model.refreshServers());
    await show('work/report.ipynb');
    // Never chosen by default, and not a choice in the list...
    const select = field<HTMLSelectElement>('server');
    expect(select.value).toBe('');
    const option = select.querySelector<HTMLOptionElement>(
      'option[value="outside"]'
    )!;
    expect(option.disabled).toBe(true);
    expect(option.textContent).toBe('outside (blocked)');
    const publish = container.querySelector<HTMLButtonElement>(
      '.jp-RSConnect-publishButton'
    )!;
    expect(publish.disabled).toBe(true);
    // ...and when a deployment record points at it, the form says why.
    mocked.listDeployments.mockResolvedValue([
      {
        server_name: 'outside',
        server_url: 'https://connect.elsewhere.example',
        content_guid: 'g-out',
        title: 'Quarterly report',
        mode: 'with-source',
        app_mode: 'jupyter-static',
        content_url: 'https://connect.elsewhere.example/content/g-out/'
      }
    ]);
    await act(() => model.refreshDeployments());
    expect(field<HTMLSelectElement>('server').value).toBe('outside');
    expect(
      container.querySelector('.jp-RSConnect-blockedWarning')!.textContent
    ).toContain('its address is not one of the allowed server URLs.');
    const update = container.querySelector<HTMLButtonElement>(
      '.jp-RSConnect-publishButton'
    )!;
    expect(update.disabled).toBe(true);
    expect(update.title).toContain('does not allow outside');
  });

  it('keeps environment variables after a failed publish, clears them after a success', async () => {
    await show('work/report.ipynb');
    await act(async () => {
      button('Add variable')!.click();
    });
    await type(
      container.querySelector<HTMLInputElement>(
        'input[aria-label="Variable name"]'
      )!,
      'API_TOKEN'
    );
    await type(
      container.querySelector<HTMLInputElement>(
        'input[aria-label="Variable value"]'
      )!,
      's3cret'
    );
    const final = (state: string): Record<string, unknown> => ({
      id: 'j1',
      path: 'work/report.ipynb',
      server: 'local',
      state,
      log: [],
      log_length: 0
    });
    onPublish.mockResolvedValueOnce(final('failed'));
    await submit();
    expect(onPublish.mock.calls[0][0].request.env_vars).toEqual({
      API_TOKEN: 's3cret'
    });
    expect(
      container.querySelector<HTMLInputElement>(
        'input[aria-label="Variable value"]'
      )!.value
    ).toBe('s3cret');

    onPublish.mockResolvedValueOnce(final('succeeded'));
    await submit();
    expect(onPublish.mock.calls[1][0].request.env_vars).toEqual({
      API_TOKEN: 's3cret'
    });
    expect(container.querySelectorAll('.jp-RSConnect-envVar')).toHaveLength(0);
  });
});
