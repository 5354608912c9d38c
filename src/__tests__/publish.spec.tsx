/**
 * The publish flow around the model: a dry run before any question, the
 * title-clash choice, the confirmation naming the content really updated,
 * unsaved edits saved first, and the notifications of the end of a job.
 */
jest.mock('@jupyterlab/apputils', () =>
  jest.requireActual('./support/apputils').apputilsMock({ emit: 'note-1' })
);

import { Notification, showDialog } from '@jupyterlab/apputils';

import * as api from '../api';
import { ApiError, IJob, IPublishRequest } from '../api';
import { ConnectModel } from '../model';
import {
  SUCCESS_AUTOCLOSE,
  firstLine,
  notifyFinal,
  notifyResumedJobs,
  publishWithFeedback
} from '../publish';

import { trans } from './support/trans';

const dialog = showDialog as jest.Mock;
const events: string[] = [];
const notification = Notification as unknown as Record<string, jest.Mock>;

function job(overrides: Partial<IJob> = {}): IJob {
  return {
    id: 'j1',
    path: 'work/report.ipynb',
    server: 'local',
    state: 'succeeded',
    log: [],
    log_length: 0,
    ...overrides
  };
}

const base: IPublishRequest = {
  path: 'work/report.ipynb',
  server: 'local',
  mode: 'source',
  title: 'Report'
};

/** The user answers a dialog with the button of this label. */
function answer(label: string): void {
  dialog.mockImplementationOnce(async ({ buttons }) => {
    events.push('dialog');
    return {
      button: buttons.find((b: { label: string }) => b.label === label)
    };
  });
}

describe('publishWithFeedback', () => {
  let model: ConnectModel;
  let check: jest.SpyInstance;
  let start: jest.SpyInstance;

  beforeEach(() => {
    jest.clearAllMocks();
    events.length = 0;
    model = new ConnectModel();
    check = jest.spyOn(model, 'check').mockImplementation(async request => {
      events.push('check');
      return {
        content_guid: request.content_guid ?? null,
        new: !request.content_guid
      };
    });
    start = jest.spyOn(model, 'start').mockImplementation(async request => {
      events.push('start');
      return job({ state: 'queued', path: request.path });
    });
    jest.spyOn(model, 'done').mockResolvedValue(job());
    dialog.mockImplementation(async () => {
      events.push('dialog');
      return { button: { label: 'Cancel', accept: false } };
    });
  });

  afterEach(() => model.dispose());

  it('explains a mode change before asking to update', async () => {
    check.mockRejectedValue(
      new ApiError("'Report' on Connect is jupyter-static content\nand more", {
        status: 409,
        reason: 'app_mode_change'
      })
    );
    await expect(
      publishWithFeedback({
        model,
        trans,
        request: { ...base, mode: 'static', content_guid: 'g1' }
      })
    ).rejects.toMatchObject({ reason: 'app_mode_change' });
    expect(dialog).not.toHaveBeenCalled();
    expect(start).not.toHaveBeenCalled();
    // The notification has the first line only.
    expect(notification.error.mock.calls[0][0]).toBe(
      "Could not publish report.ipynb to local: 'Report' on Connect is jupyter-static content"
    );
  });

  it('names the content the server will update, after the dry run', async () => {
    check.mockImplementation(async () => {
      events.push('check');
      return { content_guid: 'g7', new: false, title: 'x' };
    });
    jest.spyOn(model, 'deployments', 'get').mockReturnValue({
      value: [{ content_guid: 'g7', title: 'Quarterly revenue' }],
      loading: false,
      error: null
    });
    answer('Update');
    const prepare = jest.fn(async () => {
      events.push('prepare');
    });
    await publishWithFeedback({ model, trans, request: base, prepare });
    expect(dialog.mock.calls[0][0].title).toBe('Update existing content?');
    expect(dialog.mock.calls[0][0].body).toContain('"Quarterly revenue"');
    expect(events).toEqual(['check', 'dialog', 'prepare', 'start']);
    expect(start.mock.calls[0][0]).toMatchObject({ content_guid: 'g7' });
    expect(prepare).toHaveBeenCalledWith(
      expect.objectContaining({ content_guid: 'g7' })
    );
  });

  it('checks the title of explicit new content; "Publish new" then skips the check', async () => {
    check
      .mockRejectedValueOnce(
        new ApiError('You already have content titled Report', {
          status: 409,
          reason: 'title_conflict',
          body: { matches: [{ guid: 'g1', title: 'Report' }] }
        })
      )
      .mockResolvedValueOnce({ content_guid: null, new: true });
    answer('Publish new');
    await publishWithFeedback({
      model,
      trans,
      request: { ...base, new: true, check_title: true }
    });
    expect(check.mock.calls[0][0]).toMatchObject({
      new: true,
      check_title: true
    });
    const started = start.mock.calls[0][0];
    expect(started.new).toBe(true);
    expect(started.check_title).toBeUndefined();
    expect(started.content_guid).toBeUndefined();
  });

  it('"Update it" in the clash dialog updates that content without asking twice', async () => {
    check.mockRejectedValueOnce(
      new ApiError('taken', {
        status: 409,
        reason: 'title_conflict',
        body: { matches: [{ guid: 'g1', title: 'Report' }] }
      })
    );
    answer('Update it');
    await publishWithFeedback({ model, trans, request: base });
    expect(dialog).toHaveBeenCalledTimes(1);
    expect(check.mock.calls[1][0]).toMatchObject({ content_guid: 'g1' });
    expect(start.mock.calls[0][0]).toMatchObject({ content_guid: 'g1' });
  });

  it('starts nothing when saving the document fails', async () => {
    const prepare = jest.fn().mockRejectedValue(new Error('disk full'));
    await expect(
      publishWithFeedback({ model, trans, request: base, prepare })
    ).rejects.toThrow('disk full');
    expect(start).not.toHaveBeenCalled();
  });
});

describe('notifications of a finished job', () => {
  beforeEach(() => jest.clearAllMocks());

  it('lets a success close itself', () => {
    notifyFinal('n', job({ content_url: 'http://c/content/g1/' }), trans);
    const update = notification.update.mock.calls[0][0];
    expect(update.type).toBe('success');
    expect(update.autoClose).toBe(SUCCESS_AUTOCLOSE);
    expect(SUCCESS_AUTOCLOSE).toBeGreaterThanOrEqual(5000);
  });

  it('keeps a failure short, with the rest behind Details', () => {
    const message = `Rendering failed: ${'x'.repeat(400)}\nTraceback (most recent call last):\n  ...`;
    notifyFinal(
      'n',
      job({
        state: 'failed',
        error: { message, step: 'deploy', last_lines: ['a', 'b'] }
      }),
      trans
    );
    const update = notification.update.mock.calls[0][0];
    expect(update.type).toBe('error');
    expect(update.autoClose).toBe(false);
    expect(update.message).not.toContain('Traceback');
    expect(update.message.length).toBeLessThan(260);
    expect(update.actions.map((a: { label: string }) => a.label)).toEqual([
      'Details'
    ]);
    expect(firstLine('\n  first \nsecond')).toBe('first');
  });
});

describe('jobs picked up after a reload of the page', () => {
  beforeEach(() => jest.clearAllMocks());
  afterEach(() => jest.restoreAllMocks());

  it('shows a recent finished job in the panel without a new notification', async () => {
    const now = Date.now();
    const failed = job({
      id: 'done',
      state: 'failed',
      error: { message: 'Upload refused', step: 'upload' },
      created: now / 1000 - 90,
      finished: now / 1000 - 60
    });
    jest.spyOn(api, 'listJobs').mockResolvedValue([failed]);
    jest
      .spyOn(api, 'getJob')
      .mockResolvedValue({ ...failed, log: ['Uploading…'], log_length: 1 });
    const model = new ConnectModel({ pollInterval: 1 });
    notifyResumedJobs(model, trans);

    await model.resumeJobs(now);

    expect(model.latestJob('work/report.ipynb')).toMatchObject({
      id: 'done',
      state: 'failed',
      log: ['Uploading…']
    });
    expect(notification.emit).not.toHaveBeenCalled();
    expect(notification.update).not.toHaveBeenCalled();
    model.dispose();
  });

  it('follows a running job with its notification again', async () => {
    const running = job({ id: 'run', state: 'running', step: 'deploy' });
    jest.spyOn(api, 'listJobs').mockResolvedValue([running]);
    jest
      .spyOn(api, 'getJob')
      .mockResolvedValue({ ...running, state: 'succeeded', log: ['ok'] });
    const model = new ConnectModel({ pollInterval: 1 });
    notifyResumedJobs(model, trans);

    await model.resumeJobs();
    await model.done('run');

    expect(notification.emit).toHaveBeenCalledTimes(1);
    expect(notification.emit.mock.calls[0][1]).toBe('in-progress');
    model.dispose();
  });
});
