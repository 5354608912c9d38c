/** "Your content" of a server: loaded when opened, filtered, deleted after a confirmation. */
jest.mock('../api', () => ({
  ...jest.requireActual('../api'),
  listServers: jest.fn(),
  listContent: jest.fn(),
  deleteContent: jest.fn(),
  listDeployments: jest.fn()
}));
jest.mock('@jupyterlab/apputils', () =>
  jest
    .requireActual('./support/apputils')
    .apputilsMock({ error: 'err-1', updates: false })
);

import { Notification, showDialog } from '@jupyterlab/apputils';
import * as React from 'react';
import { act } from 'react';
import { Root, createRoot } from 'react-dom/client';

import * as api from '../api';
import { ApiError } from '../api';
import {
  ContentList,
  filterContent,
  formatWhen
} from '../components/ContentList';
import { ConnectModel } from '../model';

import { trans } from './support/trans';

const mocked = api as jest.Mocked<typeof api>;
const dialog = showDialog as jest.Mock;
const notification = Notification as unknown as Record<string, jest.Mock>;

const server: api.IServer = {
  name: 'local',
  url: 'http://127.0.0.1:3939',
  source: 'saved'
};
const items: api.IContentItem[] = [
  {
    guid: 'aaaa1111-0000-0000-0000-000000000000',
    name: 'sales-html',
    title: 'Sales HTML',
    app_mode: 'static',
    content_url: 'http://127.0.0.1:3939/content/aaaa1111/',
    last_deployed_time: '2026-01-01T00:00:00Z'
  },
  {
    guid: 'bbbb2222-0000-0000-0000-000000000000',
    name: 'sales-html-2',
    title: 'Sales HTML',
    app_mode: 'jupyter-static',
    last_deployed_time: '2026-02-01T00:00:00Z'
  },
  {
    guid: 'cccc3333-0000-0000-0000-000000000000',
    name: 'dash-app',
    title: 'Dash app',
    app_mode: 'python-dash'
  }
];

describe('ContentList', () => {
  let container: HTMLDivElement;
  let root: Root;
  let model: ConnectModel;

  beforeAll(() => {
    (globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;
  });

  beforeEach(async () => {
    jest.clearAllMocks();
    mocked.listServers.mockResolvedValue([server]);
    mocked.listDeployments.mockResolvedValue([]);
    mocked.listContent.mockResolvedValue({ content: items, user: null });
    container = document.createElement('div');
    document.body.appendChild(container);
    root = createRoot(container);
    model = new ConnectModel();
    await act(() => model.refreshServers());
    await act(async () => {
      root.render(<ContentList server={server} model={model} trans={trans} />);
    });
  });

  afterEach(() => {
    act(() => root.unmount());
    container.remove();
    model.dispose();
  });

  async function open(): Promise<void> {
    await act(async () => {
      const details = container.querySelector('details')!;
      details.open = true;
      details.dispatchEvent(new Event('toggle'));
    });
  }

  function titles(): string[] {
    return Array.from(
      container.querySelectorAll('.jp-RSConnect-contentItem')
    ).map(li => li.getAttribute('data-content-guid')!.slice(0, 4));
  }

  it('loads when opened, newest first, and tells same-titled items apart', async () => {
    expect(mocked.listContent).not.toHaveBeenCalled();
    await open();
    expect(mocked.listContent).toHaveBeenCalledWith('local');
    expect(container.querySelector('summary')!.textContent).toBe(
      'Your content (3)'
    );
    expect(titles()).toEqual(['bbbb', 'aaaa', 'cccc']);
    const first = container.querySelector(
      '[data-content-guid^="aaaa"] .jp-RSConnect-contentTitle'
    )!;
    expect(first.getAttribute('title')).toContain('aaaa1111');
    expect(
      container.querySelector('[data-content-guid^="aaaa"]')!.textContent
    ).toContain('HTML · deployed');
  });

  it('filters by title or name', async () => {
    await open();
    const input = container.querySelector<HTMLInputElement>(
      'input[type="search"]'
    )!;
    await act(async () => {
      const setter = Object.getOwnPropertyDescriptor(
        HTMLInputElement.prototype,
        'value'
      )!.set!;
      setter.call(input, 'dash');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(titles()).toEqual(['cccc']);
    expect(filterContent(items, 'sales html').map(i => i.name)).toEqual([
      'sales-html',
      'sales-html-2'
    ]);
    expect(filterContent(items, 'HTML-2')).toHaveLength(1);
    expect(filterContent(items, '')).toHaveLength(3);
  });

  it('shows a loading error with its message', async () => {
    mocked.listContent.mockRejectedValue(
      new ApiError('Connect did not answer', {
        status: 502,
        reason: 'unreachable'
      })
    );
    await open();
    const error = container.querySelector('.jp-RSConnect-error')!;
    expect(error.textContent).toContain('Connect did not answer');
  });

  it('deletes after a confirmation naming the title and server, then refreshes', async () => {
    await open();
    dialog.mockResolvedValueOnce({ button: { accept: true } });
    mocked.deleteContent.mockResolvedValue(undefined);
    mocked.listContent.mockResolvedValue({
      content: items.slice(1),
      user: null
    });
    const item = container.querySelector('[data-content-guid^="aaaa"]')!;
    await act(async () => {
      item
        .querySelector<HTMLButtonElement>('.jp-RSConnect-deleteContent')!
        .click();
    });
    const asked = dialog.mock.calls[0][0];
    expect(asked.body).toContain('"Sales HTML"');
    expect(asked.body).toContain('local');
    expect(asked.body).toContain('cannot be undone');
    expect(mocked.deleteContent).toHaveBeenCalledWith('local', items[0].guid);
    expect(notification.success.mock.calls[0][0]).toBe(
      'Deleted "Sales HTML" from local.'
    );
    expect(titles()).toEqual(['bbbb', 'cccc']);
  });

  it('deletes nothing when cancelled, and notifies a refusal with details', async () => {
    await open();
    dialog.mockResolvedValueOnce({ button: { accept: false } });
    const remove = (): Promise<void> =>
      act(async () => {
        container
          .querySelector<HTMLButtonElement>(
            '[data-content-guid^="cccc"] .jp-RSConnect-deleteContent'
          )!
          .click();
      });
    await remove();
    expect(mocked.deleteContent).not.toHaveBeenCalled();

    dialog.mockResolvedValueOnce({ button: { accept: true } });
    mocked.deleteContent.mockRejectedValue(
      new ApiError('You may not delete this content.', {
        status: 403,
        reason: 'permission'
      })
    );
    await remove();
    expect(notification.error.mock.calls[0][0]).toContain(
      'Could not delete "Dash app" from local'
    );
    const actions = notification.error.mock.calls[0][1].actions;
    expect(actions.map((a: { label: string }) => a.label)).toEqual(['Details']);
    expect(titles()).toEqual(['bbbb', 'aaaa', 'cccc']);
  });

  it('says times the way people do', () => {
    const now = Date.parse('2026-03-10T12:00:00Z');
    expect(formatWhen('2026-03-10T11:59:40Z', trans, now)).toBe('just now');
    expect(formatWhen('2026-03-10T11:55:00Z', trans, now)).toBe('5 min ago');
    expect(formatWhen('2026-03-10T09:00:00Z', trans, now)).toBe('3 h ago');
    expect(formatWhen('2026-03-08T12:00:00Z', trans, now)).toBe('2 days ago');
    expect(formatWhen(null, trans, now)).toBe('');
  });
});
