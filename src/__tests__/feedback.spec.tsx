/**
 * Error feedback: advice never shown twice, error toasts with Details that
 * replace the previous one of the same file, the choice of a deployment to
 * open, and a preview that follows the form.
 */
jest.mock('@jupyterlab/apputils', () =>
  jest
    .requireActual('./support/apputils')
    .apputilsMock({ emit: 'job-note', error: 'err-note' })
);
jest.mock('@jupyterlab/docregistry', () => ({ DocumentWidget: class {} }));
jest.mock('../api', () => ({
  ...jest.requireActual('../api'),
  inspectEnvironment: jest.fn()
}));

import { Notification, showDialog } from '@jupyterlab/apputils';
import * as React from 'react';
import { act } from 'react';
import { Root, createRoot } from 'react-dom/client';

import * as api from '../api';
import { ApiError, IJob } from '../api';
import { chooseDeployment, openableDeployments } from '../commands';
import {
  EnvironmentPreview,
  PREVIEW_DEBOUNCE,
  interpreterOrigin
} from '../components/EnvironmentPreview';
import { ErrorMessage, errorHint } from '../components/ErrorMessage';
import { ConnectModel } from '../model';
import { notifyError } from '../notify';
import { notifyFinal, publishWithFeedback } from '../publish';

import { trans } from './support/trans';

const mocked = api as jest.Mocked<typeof api>;
const notification = Notification as unknown as Record<string, jest.Mock>;
const dialog = showDialog as jest.Mock;

beforeAll(() => {
  (globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;
});

beforeEach(() => jest.clearAllMocks());

describe('advice in error messages', () => {
  it('does not repeat advice the message already gives', () => {
    const wrongKey = new ApiError(
      'http://c rejected the API key (Connect error 30). Create a new key in Connect (your name, top right → API Keys) and check it was copied whole.',
      { status: 400, reason: 'invalid_api_key' }
    );
    expect(errorHint(wrongKey, trans)).toBeNull();
    const modeChange = new ApiError(
      "'Sales source' on Connect is jupyter-static content and cannot become static: Connect does not change the type of deployed content. Publish as new content instead.",
      { status: 409, reason: 'app_mode_change' }
    );
    expect(errorHint(modeChange, trans)).toBeNull();
    const container = document.createElement('div');
    const root = createRoot(container);
    act(() => root.render(<ErrorMessage error={modeChange} trans={trans} />));
    expect(container.querySelector('.jp-RSConnect-errorHint')).toBeNull();
    act(() => root.unmount());
  });

  it('adds the hint to a bare message, and prefers the server’s own hint', () => {
    const bare = new ApiError('Connect rejected the API key.', {
      status: 400,
      reason: 'invalid_api_key'
    });
    expect(errorHint(bare, trans)).toContain('Check the API key');
    const own = new ApiError('Refused.', {
      status: 403,
      reason: 'permission',
      body: { hint: 'Ask for the publisher role.' }
    });
    expect(errorHint(own, trans)).toBe('Ask for the publisher role.');
    const repeated = new ApiError('Refused. Ask for the publisher role.', {
      status: 403,
      reason: 'permission',
      body: { hint: 'Ask for the publisher role.' }
    });
    expect(errorHint(repeated, trans)).toBeNull();
  });
});

describe('error notifications', () => {
  it('have a Details action with the whole message', async () => {
    const long = `A very long message ${'x'.repeat(300)} with the end here.`;
    notifyError('Short', { trans, details: long, title: 'What failed' });
    const [message, options] = notification.error.mock.calls[0];
    expect(message).toBe('Short');
    expect(options.autoClose).toBe(false);
    const details = options.actions.find(
      (a: { label: string }) => a.label === 'Details'
    );
    details.callback({ preventDefault: () => undefined });
    expect(dialog.mock.calls[0][0].title).toBe('What failed');
    const container = document.createElement('div');
    const root = createRoot(container);
    act(() => root.render(dialog.mock.calls[0][0].body));
    expect(container.textContent).toContain('with the end here.');
    act(() => root.unmount());
  });

  it('replace the previous publish error of the same file instead of piling up', async () => {
    const model = new ConnectModel();
    const check = jest.spyOn(model, 'check').mockRejectedValue(
      new ApiError('Connect does not change the type of deployed content.', {
        status: 409,
        reason: 'app_mode_change'
      })
    );
    const request = {
      path: 'pile/report.ipynb',
      server: 'local',
      mode: 'static' as const,
      title: 'Report',
      content_guid: 'g1'
    };
    await expect(
      publishWithFeedback({ model, trans, request })
    ).rejects.toBeInstanceOf(ApiError);
    expect(notification.error).toHaveBeenCalledTimes(1);
    const first = notification.error.mock.calls[0];
    expect(first[1].actions.map((a: { label: string }) => a.label)).toEqual([
      'Details'
    ]);
    await expect(
      publishWithFeedback({ model, trans, request })
    ).rejects.toBeInstanceOf(ApiError);
    // Still one error toast: the second updated the first.
    expect(notification.error).toHaveBeenCalledTimes(1);
    expect(notification.update).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'err-note', type: 'error' })
    );
    // Another file gets its own.
    await expect(
      publishWithFeedback({
        model,
        trans,
        request: { ...request, path: 'pile/other.ipynb' }
      })
    ).rejects.toBeInstanceOf(ApiError);
    expect(notification.error).toHaveBeenCalledTimes(2);

    // A failed job of the file takes the older toast's place; a success clears it.
    const failed: IJob = {
      id: 'j1',
      path: 'pile/report.ipynb',
      server: 'local',
      state: 'failed',
      log: [],
      log_length: 0,
      error: { message: 'boom', step: 'deploy' }
    };
    notifyFinal('job-note', failed, trans);
    expect(notification.dismiss).toHaveBeenCalledWith('err-note');
    notification.dismiss.mockClear();
    notifyFinal('job-2', { ...failed, id: 'j2', state: 'succeeded' }, trans);
    expect(notification.dismiss).toHaveBeenCalledWith('job-note');
    check.mockRestore();
    model.dispose();
  });
});

describe('Open on Connect', () => {
  const deployments = [
    {
      title: 'Old',
      server_name: 'local',
      content_url: 'http://c/content/old/',
      deployed_at: '2026-01-01T00:00:00Z'
    },
    {
      title: 'New',
      server_name: 'prod',
      content_url: 'http://c/content/new/',
      deployed_at: '2026-03-01T00:00:00Z'
    },
    { title: 'Never deployed', server_name: 'local' }
  ];

  it('opens the only deployment without asking', async () => {
    const model = new ConnectModel();
    const one = openableDeployments([deployments[0]]);
    await expect(
      chooseDeployment(one, model, trans, 'r.ipynb')
    ).resolves.toEqual(deployments[0]);
    expect(dialog).not.toHaveBeenCalled();
    model.dispose();
  });

  it('asks which one when there are several (title · server, newest first)', async () => {
    const model = new ConnectModel();
    const openable = openableDeployments(deployments);
    expect(openable.map(d => d.title)).toEqual(['New', 'Old']);
    dialog.mockImplementationOnce(async ({ body }) => {
      const select = body.node.querySelector('select') as HTMLSelectElement;
      expect(Array.from(select.options).map(o => o.textContent)).toEqual([
        'New · prod',
        'Old · local'
      ]);
      select.value = '1';
      return { button: { accept: true } };
    });
    await expect(
      chooseDeployment(openable, model, trans, 'r.ipynb')
    ).resolves.toEqual(deployments[0]);
    dialog.mockResolvedValueOnce({ button: { accept: false } });
    await expect(
      chooseDeployment(openable, model, trans, 'r.ipynb')
    ).resolves.toBeNull();
    model.dispose();
  });
});

describe('EnvironmentPreview', () => {
  let container: HTMLDivElement;
  let root: Root;
  let model: ConnectModel;

  beforeEach(() => {
    jest.useFakeTimers();
    container = document.createElement('div');
    document.body.appendChild(container);
    root = createRoot(container);
    model = new ConnectModel();
    model.currentPath = 'work/report.ipynb';
    mocked.inspectEnvironment.mockImplementation(async request => ({
      python: '/opt/py/bin/python',
      python_version: '3.11.7',
      source: 'pip freeze',
      packages: ['pandas==2.2.0'],
      bundle: {
        files: [
          {
            path: request.mode === 'static' ? 'report.html' : 'report.ipynb',
            size: 2048
          }
        ],
        excluded: [],
        total: 2048
      }
    }));
  });

  afterEach(() => {
    act(() => root.unmount());
    container.remove();
    model.dispose();
    jest.useRealTimers();
  });

  function render(mode: api.PublishMode): void {
    act(() =>
      root.render(
        <EnvironmentPreview model={model} trans={trans} choices={{ mode }} />
      )
    );
  }

  async function settle(ms: number): Promise<void> {
    await act(async () => {
      jest.advanceTimersByTime(ms);
    });
    // Re-render with the model's answer (the panel does this on its signals).
  }

  it('follows a change of mode while open, and says what a snapshot publishes', async () => {
    render('source');
    await act(async () => {
      const details = container.querySelector('details')!;
      details.open = true;
      details.dispatchEvent(new Event('toggle'));
    });
    await settle(0);
    render('source');
    expect(mocked.inspectEnvironment).toHaveBeenCalledTimes(1);
    expect(container.textContent).toContain('Python 3.11.7 · packages from');
    expect(container.textContent).toContain('2.0 KB before compression');
    expect(container.querySelector('.jp-RSConnect-packages')).not.toBeNull();

    render('static');
    expect(container.querySelector('details')!.getAttribute('data-stale')).toBe(
      'true'
    );
    // Debounced: nothing until the form has been still for a moment.
    await settle(PREVIEW_DEBOUNCE / 2);
    expect(mocked.inspectEnvironment).toHaveBeenCalledTimes(1);
    await settle(PREVIEW_DEBOUNCE);
    render('static');
    expect(mocked.inspectEnvironment).toHaveBeenCalledTimes(2);
    expect(mocked.inspectEnvironment.mock.calls[1][0]).toMatchObject({
      mode: 'static'
    });
    expect(container.textContent).toContain('report.html');
    expect(container.textContent).toContain(
      "rendered here with the kernel's Python 3.11.7 (/opt/py/bin/python)"
    );
    expect(container.querySelector('.jp-RSConnect-packages')).toBeNull();
    expect(container.querySelector('details')!.getAttribute('data-stale')).toBe(
      null
    );
  });

  async function openPreview(mode: api.PublishMode): Promise<void> {
    render(mode);
    await act(async () => {
      const details = container.querySelector('details')!;
      details.open = true;
      details.dispatchEvent(new Event('toggle'));
    });
    await settle(0);
    render(mode);
  }

  it('names the kernel the packages come from', async () => {
    mocked.inspectEnvironment.mockResolvedValue({
      python: '/opt/py/bin/python',
      python_version: '3.11.7',
      source: 'pip freeze',
      packages: ['pandas==2.2.0'],
      interpreter_source: 'kernel',
      kernel_name: 'py311'
    });
    await openPreview('source');
    const line = container.querySelector('.jp-RSConnect-interpreter')!;
    expect(line.textContent).toBe(
      'Interpreter: from the running kernel (py311)'
    );
    expect(line.getAttribute('data-source')).toBe('kernel');
    expect(line.getAttribute('title')).toBe('/opt/py/bin/python');
  });

  it("shows when the Jupyter server's Python stands in, with the server's warning", async () => {
    const warning =
      "No kernel of report.ipynb is running and its kernelspec 'ghost' is not installed on this Jupyter server, so the packages listed are the Jupyter server's, not the notebook kernel's.";
    mocked.inspectEnvironment.mockResolvedValue({
      python: '/srv/jupyter/bin/python',
      python_version: '3.11.7',
      source: 'pip freeze',
      packages: ['jupyterlab==4.6.6'],
      warnings: [warning],
      interpreter_source: 'server',
      kernel_name: 'ghost'
    });
    await openPreview('source');
    const line = container.querySelector('.jp-RSConnect-interpreter')!;
    expect(line.textContent).toBe("Interpreter: the Jupyter server's Python");
    expect(line.getAttribute('data-source')).toBe('server');
    expect(
      Array.from(container.querySelectorAll('.jp-RSConnect-warning')).map(
        w => w.textContent
      )
    ).toEqual([warning]);

    await openPreview('static');
    await settle(PREVIEW_DEBOUNCE);
    render('static');
    expect(container.textContent).toContain(
      "rendered here with the Jupyter server's Python 3.11.7 (/srv/jupyter/bin/python)"
    );
  });

  it('says where the interpreter comes from, through the translator', () => {
    const spy = {
      __: jest.fn(
        (text: string, ...args: unknown[]) =>
          `[${text.replace(/%(\d+)/g, (_, n) => String(args[Number(n) - 1]))}]`
      )
    } as any;
    expect(interpreterOrigin({ interpreter_source: 'kernel' }, spy)).toBe(
      '[from the running kernel]'
    );
    expect(
      interpreterOrigin(
        { interpreter_source: 'kernelspec', kernel_name: 'py311' },
        spy
      )
    ).toBe('[from kernelspec py311]');
    expect(
      interpreterOrigin(
        { interpreter_source: 'notebook', kernel_name: 'py311' },
        spy
      )
    ).toBe('[from kernelspec py311, named in the notebook]');
    expect(interpreterOrigin({ interpreter_source: 'server' }, spy)).toBe(
      "[the Jupyter server's Python]"
    );
    expect(interpreterOrigin({}, spy)).toBeNull();
  });
});
