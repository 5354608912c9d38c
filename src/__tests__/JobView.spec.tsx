/** The job view: a readable failure, the steps, and Cancel only while it can work. */
jest.mock('@jupyterlab/apputils', () => ({
  Dialog: {},
  Notification: {},
  showDialog: jest.fn()
}));

import * as React from 'react';
import { act } from 'react';
import { Root, createRoot } from 'react-dom/client';

import { IJob } from '../api';
import { JobView, splitMessage } from '../components/JobView';
import { ConnectModel } from '../model';

import { trans } from './support/trans';

const steps = [
  { id: 'environment', label: 'Inspect the environment', state: 'done' },
  { id: 'bundle', label: 'Build the bundle', state: 'done' },
  { id: 'content', label: 'Find or create the content', state: 'done' },
  {
    id: 'upload',
    label: 'Upload the bundle',
    state: 'running',
    progress: 42,
    detail: '42% of 1.2 MB'
  },
  { id: 'deploy', label: 'Deploy', state: 'pending' },
  { id: 'verify', label: 'Check that the content answers', state: 'pending' },
  { id: 'activate', label: 'Make it live', state: 'pending' }
];

function job(overrides: Partial<IJob> = {}): IJob {
  return {
    id: 'j1',
    path: 'work/report.ipynb',
    server: 'local',
    state: 'running',
    step: 'upload',
    log: [],
    log_length: 0,
    steps,
    cancellable: true,
    ...overrides
  };
}

describe('JobView', () => {
  let container: HTMLDivElement;
  let root: Root;
  let model: ConnectModel;

  beforeAll(() => {
    (globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;
  });

  beforeEach(() => {
    container = document.createElement('div');
    document.body.appendChild(container);
    root = createRoot(container);
    model = new ConnectModel();
  });

  afterEach(() => {
    act(() => root.unmount());
    container.remove();
    model.dispose();
  });

  function render(value: IJob): void {
    act(() => root.render(<JobView job={value} model={model} trans={trans} />));
  }

  it('keeps the log open while the job runs and folds it away when it ends', () => {
    render(job({ log: ['one', 'two'], log_length: 2 }));
    const box = (): HTMLDetailsElement =>
      container.querySelector('details.jp-RSConnect-logBox')!;
    expect(box().open).toBe(true);
    expect(box().querySelector('summary')!.textContent).toBe('Log (2 lines)');
    expect(box().querySelector('.jp-RSConnect-log')!.textContent).toBe(
      'one\ntwo'
    );
    render(
      job({ state: 'succeeded', step: null, log: ['one', 'two', 'three'] })
    );
    expect(box().open).toBe(false);
    // Opened again, it has no scroll box of its own (see style/base.css).
    expect(box().classList).toContain('jp-mod-final');
    // Still there for those who open it.
    expect(box().querySelector('.jp-RSConnect-log')!.textContent).toContain(
      'three'
    );
    // A new job starts with its log open again.
    render(job({ id: 'j2', log: ['a'], log_length: 1 }));
    expect(box().open).toBe(true);
    expect(box().querySelector('summary')!.textContent).toBe('Log (1 line)');
  });

  it('shows a job that ended before it was shown with its log folded', () => {
    render(job({ state: 'failed', step: null, log: ['x'] }));
    expect(
      container.querySelector<HTMLDetailsElement>(
        'details.jp-RSConnect-logBox'
      )!.open
    ).toBe(false);
  });

  it('shows the upload progress once, with a bar, and all seven steps', () => {
    render(job());
    const upload = container.querySelector('[data-step="upload"]')!;
    expect(upload.textContent).toContain('42% of 1.2 MB');
    expect(upload.textContent!.match(/42%/g)).toHaveLength(1);
    expect(upload.querySelector('progress')!.value).toBe(42);
    expect(container.querySelectorAll('.jp-RSConnect-step')).toHaveLength(7);
    expect(
      container.querySelector('[data-step="activate"]')!.textContent
    ).toContain('Making it live');
    expect(container.querySelector('.jp-RSConnect-cancel')).not.toBeNull();
  });

  it('offers no Cancel once the new version is being made live', () => {
    render(job({ step: 'activate', cancellable: false }));
    expect(container.querySelector('.jp-RSConnect-cancel')).toBeNull();
    expect(
      container.querySelector('.jp-RSConnect-notCancellable')!.textContent
    ).toContain('can no longer be cancelled');
  });

  it('shows a failure as a short first line, the rest, and collapsible last lines', () => {
    render(
      job({
        state: 'failed',
        cancellable: false,
        error: {
          message: 'Rendering the notebook failed.\nNameError: name x',
          step: 'deploy',
          last_lines: ['line 1', 'NameError: name x']
        }
      })
    );
    const error = container.querySelector('.jp-RSConnect-jobError')!;
    expect(error.querySelector('.jp-RSConnect-errorMessage')!.textContent).toBe(
      'Rendering the notebook failed.'
    );
    expect(error.querySelector('.jp-RSConnect-errorText')!.textContent).toBe(
      'NameError: name x'
    );
    const details = error.querySelector('details')!;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')!.textContent).toBe(
      'Last 2 lines of the task'
    );
    expect(details.querySelector('pre')!.textContent).toBe(
      'line 1\nNameError: name x'
    );
    expect(splitMessage('one line')).toEqual(['one line', '']);
  });
});
