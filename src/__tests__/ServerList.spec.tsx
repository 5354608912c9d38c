/** The server list on a first run, and the add form's verified save. */
jest.mock('../api', () => ({
  ...jest.requireActual('../api'),
  listServers: jest.fn(),
  addServer: jest.fn()
}));
jest.mock('@jupyterlab/apputils', () => ({
  Dialog: {},
  Notification: { success: jest.fn(), warning: jest.fn() },
  showDialog: jest.fn()
}));

import * as React from 'react';
import { act } from 'react';
import { Root, createRoot } from 'react-dom/client';

import { Notification } from '@jupyterlab/apputils';

import * as api from '../api';
import { ApiError } from '../api';
import { nicknameFromUrl, sameServerUrl } from '../components/AddServerForm';
import { ServerList } from '../components/ServerList';
import { ConnectModel } from '../model';

import { trans } from './support/trans';

const mocked = api as jest.Mocked<typeof api>;

/** Set an input's value the way React notices it. */
function type(input: HTMLInputElement, value: string): void {
  const setter = Object.getOwnPropertyDescriptor(
    HTMLInputElement.prototype,
    'value'
  )!.set!;
  setter.call(input, value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('ServerList', () => {
  let container: HTMLDivElement;
  let root: Root;
  let model: ConnectModel;
  let showForm: boolean;

  beforeAll(() => {
    (globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;
  });

  beforeEach(() => {
    jest.resetAllMocks();
    container = document.createElement('div');
    document.body.appendChild(container);
    root = createRoot(container);
    model = new ConnectModel();
    showForm = false;
  });

  afterEach(() => {
    act(() => root.unmount());
    container.remove();
    model.dispose();
  });

  function render(): void {
    act(() =>
      root.render(
        <ServerList
          model={model}
          trans={trans}
          showForm={showForm}
          setShowForm={show => {
            showForm = show;
            render();
          }}
        />
      )
    );
  }

  it('invites to add a server on a first run', async () => {
    mocked.listServers.mockResolvedValue([]);
    await act(() => model.refreshServers());
    render();
    expect(container.textContent).toContain('No Connect server yet');
    act(() => {
      container
        .querySelector<HTMLButtonElement>('.jp-RSConnect-addServerButton')!
        .click();
    });
    const url = container.querySelector<HTMLInputElement>('input[name="url"]');
    expect(url).not.toBeNull();
    expect(document.activeElement).toBe(url);
  });

  it('shows the specific error of a refused key and keeps the list empty', async () => {
    mocked.listServers.mockResolvedValue([]);
    mocked.addServer.mockRejectedValue(
      new ApiError('Connect rejected the API key.', {
        status: 400,
        reason: 'invalid_api_key'
      })
    );
    showForm = true;
    render();
    const form = container.querySelector('form')!;
    act(() => {
      type(form.querySelector('input[name="url"]')!, 'http://127.0.0.1:3939');
      type(form.querySelector('input[name="api_key"]')!, 'wrong');
    });
    await act(async () => {
      form.dispatchEvent(
        new Event('submit', { bubbles: true, cancelable: true })
      );
    });
    const error = container.querySelector('.jp-RSConnect-error')!;
    expect(error.getAttribute('data-reason')).toBe('invalid_api_key');
    expect(error.textContent).toContain('Connect rejected the API key.');
    expect(error.textContent).toContain('Check the API key');
    // An address is no host name: the nickname keeps the whole host and port.
    expect(mocked.addServer).toHaveBeenCalledWith({
      name: '127.0.0.1-3939',
      url: 'http://127.0.0.1:3939',
      api_key: 'wrong',
      insecure: false
    });
    expect(model.servers.value).toEqual([]);
    expect(container.querySelectorAll('li.jp-RSConnect-server')).toHaveLength(
      0
    );
  });

  it('guesses a nickname from a host name, or the whole address', () => {
    expect(nicknameFromUrl('https://connect.example.com/')).toBe('connect');
    expect(nicknameFromUrl('connect.example.com')).toBe('connect');
    expect(nicknameFromUrl('http://127.0.0.1:3939')).toBe('127.0.0.1-3939');
    expect(nicknameFromUrl('http://10.0.0.5/')).toBe('10.0.0.5');
    expect(nicknameFromUrl('http://localhost:3939/')).toBe('localhost-3939');
    expect(nicknameFromUrl('http://[::1]:3939/')).toBe('1-3939');
    expect(
      sameServerUrl('http://127.0.0.1:3939/', 'HTTP://127.0.0.1:3939')
    ).toBe(true);
    expect(
      sameServerUrl('http://127.0.0.1:3939', 'http://127.0.0.1:3940')
    ).toBe(false);
  });

  it('warns, without blocking, when the URL is already a server', async () => {
    mocked.listServers.mockResolvedValue([
      { name: 'local', url: 'http://127.0.0.1:3939', source: 'saved' }
    ]);
    await act(() => model.refreshServers());
    showForm = true;
    render();
    const form = container.querySelector('form')!;
    expect(form.querySelector('.jp-RSConnect-warning')).toBeNull();
    act(() => {
      type(form.querySelector('input[name="url"]')!, 'http://127.0.0.1:3939/');
      type(form.querySelector('input[name="api_key"]')!, 'another-key');
    });
    const warning = form.querySelector('.jp-RSConnect-warning')!;
    expect(warning.textContent).toContain('already the server local');
    expect(
      form.querySelector<HTMLButtonElement>('button[type="submit"]')!.disabled
    ).toBe(false);
  });

  it('lists servers with the default marked', async () => {
    mocked.listServers.mockResolvedValue([
      { name: 'local', url: 'http://127.0.0.1:3939', source: 'embedded' },
      {
        name: 'prod',
        url: 'https://connect.example.com',
        source: 'saved',
        default: true,
        username: 'alice'
      }
    ]);
    await act(() => model.refreshServers());
    render();
    const items = container.querySelectorAll('li.jp-RSConnect-server');
    expect(items).toHaveLength(2);
    const prod = container.querySelector('[data-server-name="prod"]')!;
    expect(prod.textContent).toContain('default');
    expect(prod.textContent).toContain('as alice');
    // Only saved servers can be removed here.
    const local = container.querySelector('[data-server-name="local"]')!;
    expect(local.textContent).not.toContain('Remove');
    expect(prod.textContent).toContain('Remove');
  });

  async function fillAndSave(key: string): Promise<void> {
    const form = container.querySelector('form')!;
    act(() => {
      type(form.querySelector('input[name="url"]')!, '127.0.0.1:3939');
      type(form.querySelector('input[name="name"]')!, 'vera');
      type(form.querySelector('input[name="api_key"]')!, key);
    });
    await act(async () => {
      form.dispatchEvent(
        new Event('submit', { bubbles: true, cancelable: true })
      );
    });
  }

  it('accepts an address without a scheme (the server tries https, then http)', async () => {
    mocked.listServers.mockResolvedValue([]);
    showForm = true;
    render();
    const url = container.querySelector<HTMLInputElement>('input[name="url"]')!;
    expect(url.type).toBe('text');
    expect(url.getAttribute('inputmode')).toBe('url');
    expect(url.getAttribute('autocomplete')).toBe('url');
  });

  it('gives the focus back to "Add server" after Escape', async () => {
    mocked.listServers.mockResolvedValue([]);
    render();
    act(() => {
      container
        .querySelector<HTMLButtonElement>('.jp-RSConnect-addServerButton')!
        .click();
    });
    const form = container.querySelector('form')!;
    act(() => {
      form
        .querySelector('input[name="url"]')!
        .dispatchEvent(
          new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })
        );
    });
    expect(container.querySelector('form')).toBeNull();
    expect(document.activeElement).toBe(
      container.querySelector('.jp-RSConnect-addServerButton')
    );
  });

  it('after "Verify and save" of a viewer key: focus on "Add server", the role and a warning shown', async () => {
    const vera: api.IServer = {
      name: 'vera',
      url: 'http://127.0.0.1:3939',
      source: 'saved',
      username: 'vera',
      user_role: 'viewer'
    };
    mocked.listServers.mockResolvedValue([vera]);
    mocked.addServer.mockResolvedValue(vera);
    showForm = true;
    render();
    await fillAndSave('viewer-key');
    render();
    expect(container.querySelector('form')).toBeNull();
    expect(document.activeElement).toBe(
      container.querySelector('.jp-RSConnect-addServerButton')
    );
    const item = container.querySelector('[data-server-name="vera"]')!;
    expect(
      item.querySelector('.jp-RSConnect-serverMeta')!.textContent
    ).toContain('as vera · viewer');
    expect(
      item.querySelector('.jp-RSConnect-viewerWarning')!.textContent
    ).toContain('viewers cannot publish');
    expect((Notification.warning as jest.Mock).mock.calls[0][0]).toContain(
      'viewers cannot publish'
    );
    expect(Notification.success).not.toHaveBeenCalled();
  });

  it('shows the role of a publisher without a warning', async () => {
    mocked.listServers.mockResolvedValue([
      {
        name: 'pat',
        url: 'http://127.0.0.1:3939',
        source: 'saved',
        username: 'pat',
        user_role: 'publisher'
      }
    ]);
    await act(() => model.refreshServers());
    render();
    const item = container.querySelector('[data-server-name="pat"]')!;
    expect(item.textContent).toContain('as pat · publisher');
    expect(item.querySelector('.jp-RSConnect-viewerWarning')).toBeNull();
  });

  it('lists a server the policy blocks with the reason, never as a choice', async () => {
    mocked.listServers.mockResolvedValue([
      {
        name: 'outside',
        url: 'http://connect.elsewhere.example',
        source: 'environment',
        read_only: true,
        insecure: true,
        blocked: 'TLS checks may not be turned off on this JupyterHub.'
      }
    ]);
    await act(() => model.refreshServers());
    render();
    const item = container.querySelector('[data-server-name="outside"]')!;
    expect(item.querySelector('.jp-mod-blocked')!.textContent).toBe('blocked');
    expect(
      item.querySelector('.jp-RSConnect-blockedWarning')!.textContent
    ).toContain('TLS checks may not be turned off on this JupyterHub.');
    expect(item.textContent).not.toContain('Make default');
    expect(model.defaultServer).toBeNull();
  });
});
