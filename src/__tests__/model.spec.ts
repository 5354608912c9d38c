/**
 * The model with the server mocked: `api.ts` is the one module that talks to
 * the server, so replacing its route wrappers isolates the model completely.
 */
jest.mock('../api', () => {
  const actual = jest.requireActual('../api');
  return {
    ...actual,
    listServers: jest.fn(),
    addServer: jest.fn(),
    removeServer: jest.fn(),
    listContent: jest.fn(),
    deleteContent: jest.fn(),
    startPublish: jest.fn(),
    getJob: jest.fn(),
    listJobs: jest.fn(),
    checkPublish: jest.fn(),
    cancelJob: jest.fn(),
    listDeployments: jest.fn(),
    inspectEnvironment: jest.fn(),
    getFileFacts: jest.fn()
  };
});

import * as api from '../api';
import { ApiError, IJob, IServer } from '../api';
import { ConnectModel, publishableKind } from '../model';

const mocked = api as jest.Mocked<typeof api>;

const local: IServer = {
  name: 'local',
  url: 'http://127.0.0.1:3939',
  username: 'admin',
  source: 'saved'
};

function job(overrides: Partial<IJob> = {}): IJob {
  return {
    id: 'job-1',
    path: 'work/report.ipynb',
    server: 'local',
    state: 'queued',
    step: null,
    log: [],
    log_length: 0,
    content_url: null,
    dashboard_url: null,
    error: null,
    ...overrides
  };
}

const request = {
  path: 'work/report.ipynb',
  server: 'local',
  mode: 'source' as const,
  title: 'Report'
};

describe('ConnectModel', () => {
  let model: ConnectModel;

  beforeEach(() => {
    jest.resetAllMocks();
    mocked.listDeployments.mockResolvedValue([]);
    model = new ConnectModel({ pollInterval: 1 });
  });

  afterEach(() => {
    model.dispose();
  });

  describe('servers', () => {
    it('loads the server list and signals it', async () => {
      mocked.listServers.mockResolvedValue([local]);
      const seen: number[] = [];
      model.serversChanged.connect((_, value) => seen.push(value.value.length));
      await model.refreshServers();
      expect(model.servers.value).toEqual([local]);
      expect(model.servers.error).toBeNull();
      expect(seen[seen.length - 1]).toBe(1);
      expect(model.defaultServer).toBe('local');
    });

    it('keeps a listing error instead of throwing', async () => {
      mocked.listServers.mockRejectedValue(
        new ApiError('nope', { status: 500, reason: 'server_error' })
      );
      await model.refreshServers();
      expect(model.servers.error?.message).toBe('nope');
      expect(model.servers.loading).toBe(false);
    });

    it('adds a verified server and signals the new list', async () => {
      mocked.addServer.mockResolvedValue(local);
      mocked.listServers.mockResolvedValue([local]);
      const changed = jest.fn();
      model.serversChanged.connect(changed);
      const server = await model.addServer({
        name: 'local',
        url: local.url,
        api_key: 'secret'
      });
      expect(server).toEqual(local);
      expect(mocked.addServer).toHaveBeenCalledWith({
        name: 'local',
        url: local.url,
        api_key: 'secret'
      });
      expect(model.servers.value.map(s => s.name)).toEqual(['local']);
      expect(changed).toHaveBeenCalled();
    });

    it('passes the server error of a wrong key through and saves nothing', async () => {
      mocked.addServer.mockRejectedValue(
        new ApiError('The API key was rejected by Connect.', {
          status: 400,
          reason: 'invalid_api_key'
        })
      );
      const changed = jest.fn();
      model.serversChanged.connect(changed);
      await expect(
        model.addServer({ name: 'x', url: local.url, api_key: 'wrong' })
      ).rejects.toMatchObject({
        reason: 'invalid_api_key',
        message: 'The API key was rejected by Connect.'
      });
      expect(model.servers.value).toEqual([]);
      expect(changed).not.toHaveBeenCalled();
    });

    it('removes a server', async () => {
      mocked.listServers.mockResolvedValue([local]);
      mocked.removeServer.mockResolvedValue();
      await model.refreshServers();
      await model.removeServer('local');
      expect(mocked.removeServer).toHaveBeenCalledWith('local');
      expect(model.servers.value).toEqual([]);
    });

    it('prefers the default server of the settings', async () => {
      mocked.listServers.mockResolvedValue([
        local,
        { ...local, name: 'prod', default: true }
      ]);
      await model.refreshServers();
      expect(model.defaultServer).toBe('prod');
      model.settings = { ...model.settings, defaultServer: 'local' };
      expect(model.defaultServer).toBe('local');
    });

    it('verifies a server by listing its content', async () => {
      mocked.listContent.mockResolvedValue({
        content: [{ guid: 'a' }, { guid: 'b' }],
        user: null
      });
      await expect(model.verifyServer('local')).resolves.toHaveLength(2);
      expect(model.content('local').value).toHaveLength(2);
    });

    it('clears the default server of the settings when that server is removed', async () => {
      const saved: string[] = [];
      model.dispose();
      model = new ConnectModel({
        pollInterval: 1,
        saveDefaultServer: name => {
          saved.push(name);
        }
      });
      const prod: IServer = { ...local, name: 'prod' };
      mocked.listServers.mockResolvedValue([local, prod]);
      mocked.removeServer.mockResolvedValue(undefined);
      await model.refreshServers();
      await model.setDefaultServer('prod');
      expect(model.defaultServer).toBe('prod');
      expect(saved).toEqual(['prod']);

      // Removing another server leaves the setting alone.
      await model.removeServer('local');
      expect(model.settings.defaultServer).toBe('prod');
      expect(saved).toEqual(['prod']);

      await model.removeServer('prod');
      expect(model.settings.defaultServer).toBe('');
      expect(saved).toEqual(['prod', '']);
    });

    it('learns the role of an unverified server from its content listing', async () => {
      mocked.listServers.mockResolvedValue([
        { ...local, source: 'environment', username: null, user_role: null }
      ]);
      await model.refreshServers();
      mocked.listContent.mockResolvedValue({
        content: [],
        user: { username: 'vera', user_role: 'viewer' }
      });
      await model.refreshContent('local');
      expect(model.servers.value[0]).toMatchObject({
        username: 'vera',
        user_role: 'viewer'
      });
    });
  });

  describe('content on a server', () => {
    const items = [
      { guid: 'g1', title: 'Sales', app_mode: 'static' },
      { guid: 'g2', title: 'Sales', app_mode: 'jupyter-static' }
    ];

    it('loads on demand, keeps errors, and refreshes after a publish to that server', async () => {
      expect(model.hasContent('local')).toBe(false);
      mocked.listContent.mockRejectedValueOnce(
        new ApiError('Connect is down', { status: 502, reason: 'unreachable' })
      );
      const failed = await model.refreshContent('local');
      expect(failed.error?.reason).toBe('unreachable');
      expect(model.content('local').error?.message).toBe('Connect is down');

      mocked.listContent.mockResolvedValue({ content: items, user: null });
      await model.refreshContent('local');
      expect(model.content('local')).toEqual({
        value: items,
        loading: false,
        error: null
      });

      // A publish to the server that ends well lists the new content.
      const created = { guid: 'g3', title: 'New' };
      mocked.listContent.mockResolvedValue({
        content: [...items, created],
        user: null
      });
      mocked.startPublish.mockResolvedValue(job());
      mocked.getJob.mockResolvedValue(job({ state: 'succeeded' }));
      await model.publish(request);
      expect(model.content('local').value.map(i => i.guid)).toEqual([
        'g1',
        'g2',
        'g3'
      ]);
    });

    it('deletes content, then reloads the list and the deployments', async () => {
      mocked.listContent.mockResolvedValue({ content: items, user: null });
      await model.refreshContent('local');
      model.currentPath = 'work/report.ipynb';
      await model.refreshDeployments();
      mocked.listDeployments.mockClear();
      mocked.deleteContent.mockResolvedValue(undefined);
      mocked.listContent.mockResolvedValue({ content: [items[1]], user: null });
      await model.deleteContent('local', 'g1');
      expect(mocked.deleteContent).toHaveBeenCalledWith('local', 'g1');
      expect(model.content('local').value).toEqual([items[1]]);
      expect(mocked.listDeployments).toHaveBeenCalledWith('work/report.ipynb');
    });

    it('keeps the list when a delete is refused', async () => {
      mocked.listContent.mockResolvedValue({ content: items, user: null });
      await model.refreshContent('local');
      mocked.deleteContent.mockRejectedValue(
        new ApiError('not yours', { status: 403, reason: 'permission' })
      );
      await expect(model.deleteContent('local', 'g1')).rejects.toMatchObject({
        reason: 'permission'
      });
      expect(model.content('local').value).toEqual(items);
    });
  });

  describe('current document', () => {
    it('signals a path change and loads its deployments', async () => {
      const deployment = {
        server: 'local',
        content_guid: 'g1',
        title: 'Report',
        content_url: 'http://c/content/g1/'
      };
      mocked.listDeployments.mockResolvedValue([deployment]);
      const paths: (string | null)[] = [];
      model.currentPathChanged.connect((_, path) => paths.push(path));
      const loaded = new Promise<void>(resolve =>
        model.deploymentsChanged.connect((_, d) => {
          if (!d.loading && d.value.length > 0) {
            resolve();
          }
        })
      );
      model.currentPath = 'work/report.ipynb';
      await loaded;
      expect(paths).toEqual(['work/report.ipynb']);
      expect(mocked.listDeployments).toHaveBeenCalledWith('work/report.ipynb');
      expect(model.deployments.value).toEqual([deployment]);
    });

    it('does not signal when the path stays the same', () => {
      model.currentPath = 'a.ipynb';
      const changed = jest.fn();
      model.currentPathChanged.connect(changed);
      model.currentPath = 'a.ipynb';
      expect(changed).not.toHaveBeenCalled();
    });

    it('loads the environment of the current file', async () => {
      mocked.inspectEnvironment.mockResolvedValue({
        python_version: '3.11.7',
        source: 'pip freeze',
        packages: ['numpy==2.0.0']
      });
      model.currentPath = 'work/report.ipynb';
      await model.refreshEnvironment();
      expect(mocked.inspectEnvironment).toHaveBeenCalledWith({
        path: 'work/report.ipynb'
      });
      await model.refreshEnvironment({ mode: 'static', server: 'local' });
      expect(mocked.inspectEnvironment).toHaveBeenLastCalledWith({
        path: 'work/report.ipynb',
        mode: 'static',
        server: 'local'
      });
      expect(model.environment.value?.python_version).toBe('3.11.7');
    });

    it("learns the app mode a .py file's imports suggest, for that file only", async () => {
      let answer: (facts: api.IFileFacts) => void = () => undefined;
      mocked.getFileFacts.mockReturnValueOnce(
        new Promise(resolve => (answer = resolve))
      );
      const seen: (string | null)[] = [];
      model.detectedAppModeChanged.connect((_, mode) => seen.push(mode));
      model.currentPath = 'apps/app.py';
      expect(mocked.getFileFacts).toHaveBeenCalledWith('apps/app.py');
      // Another file was opened before the answer came: it is not applied.
      model.currentPath = 'other.ipynb';
      answer({ path: 'apps/app.py', detected_app_mode: 'python-streamlit' });
      await new Promise(resolve => setTimeout(resolve, 0));
      expect(model.detectedAppMode).toBeNull();
      expect(mocked.getFileFacts).toHaveBeenCalledTimes(1);

      mocked.getFileFacts.mockResolvedValue({
        path: 'apps/app.py',
        detected_app_mode: 'python-fastapi'
      });
      model.currentPath = 'apps/app.py';
      await model.refreshDetectedAppMode();
      expect(model.detectedAppMode).toBe('python-fastapi');
      // An inspection looks at the file again (it may have been edited).
      mocked.inspectEnvironment.mockResolvedValue({
        detected_app_mode: 'python-api'
      });
      await model.refreshEnvironment({ mode: 'app' });
      expect(model.detectedAppMode).toBe('python-api');
      // A failed look-up leaves no guess behind.
      mocked.getFileFacts.mockRejectedValue(new ApiError('down'));
      model.currentPath = 'b.py';
      await model.refreshDetectedAppMode();
      expect(model.detectedAppMode).toBeNull();
      expect(seen).toContain('python-fastapi');
    });

    it('knows what can be published', () => {
      expect(publishableKind('a/b.ipynb')).toBe('notebook');
      expect(publishableKind('app.py')).toBe('python');
      expect(publishableKind('data.csv')).toBeNull();
      expect(publishableKind(null)).toBeNull();
    });
  });

  describe('publish jobs', () => {
    it('polls a job to success, appending log lines, and signals each change', async () => {
      mocked.startPublish.mockResolvedValue(job());
      mocked.getJob
        .mockResolvedValueOnce(
          job({
            state: 'running',
            step: 'bundle',
            log: ['a', 'b'],
            log_length: 2
          })
        )
        .mockResolvedValueOnce(
          job({ state: 'running', step: 'deploy', log: ['c'], log_length: 3 })
        )
        .mockResolvedValueOnce(
          job({
            state: 'succeeded',
            step: 'deploy',
            log: ['d'],
            log_length: 4,
            content_url: 'http://c/content/g1/',
            dashboard_url: 'http://c/connect/#/apps/g1'
          })
        );
      const states: string[] = [];
      model.jobChanged.connect((_, j) => states.push(j.state));

      const final = await model.publish(request);

      expect(final.state).toBe('succeeded');
      expect(final.log).toEqual(['a', 'b', 'c', 'd']);
      expect(final.content_url).toBe('http://c/content/g1/');
      expect(states).toEqual(['queued', 'running', 'running', 'succeeded']);
      // Each poll asks only for the lines it has not seen.
      expect(mocked.getJob.mock.calls.map(call => call[1])).toEqual([0, 2, 3]);
      expect(model.job('job-1')?.state).toBe('succeeded');
      expect(model.latestJob('work/report.ipynb')?.id).toBe('job-1');
    });

    it('ends with the failure the server reports', async () => {
      mocked.startPublish.mockResolvedValue(job());
      mocked.getJob.mockResolvedValueOnce(
        job({
          state: 'failed',
          step: 'deploy',
          log: ['Traceback'],
          log_length: 1,
          error: {
            message: 'task failed',
            reason: 'task_failed',
            step: 'deploy'
          }
        })
      );
      const final = await model.publish(request);
      expect(final.state).toBe('failed');
      expect(final.error).toEqual({
        message: 'task failed',
        reason: 'task_failed',
        step: 'deploy'
      });
      expect(final.log).toEqual(['Traceback']);
    });

    it('cancels a running job and sees it end as cancelled', async () => {
      mocked.startPublish.mockResolvedValue(job({ state: 'running' }));
      let cancelled = false;
      mocked.cancelJob.mockImplementation(async () => {
        cancelled = true;
      });
      mocked.getJob.mockImplementation(async () =>
        cancelled
          ? job({ state: 'cancelled', log: [], log_length: 0 })
          : job({ state: 'running', step: 'deploy', log: [], log_length: 0 })
      );
      const started = await model.start(request);
      await model.cancel(started.id);
      const final = await model.done(started.id);
      expect(mocked.cancelJob).toHaveBeenCalledWith('job-1');
      expect(final.state).toBe('cancelled');
    });

    it('throws when the server refuses to start the job', async () => {
      mocked.startPublish.mockRejectedValue(
        new ApiError('Path is outside the root directory', {
          status: 403,
          reason: 'forbidden_path'
        })
      );
      const changed = jest.fn();
      model.jobChanged.connect(changed);
      await expect(model.publish(request)).rejects.toMatchObject({
        reason: 'forbidden_path'
      });
      expect(changed).not.toHaveBeenCalled();
      expect(model.jobs).toEqual([]);
    });

    it('gives a job up after repeated poll failures', async () => {
      model.dispose();
      model = new ConnectModel({ pollInterval: 1, maxPollErrors: 3 });
      mocked.startPublish.mockResolvedValue(job({ state: 'running' }));
      mocked.getJob.mockRejectedValue(
        new ApiError('Could not reach the Jupyter server', {
          reason: 'network'
        })
      );
      const final = await model.publish(request);
      expect(final.state).toBe('failed');
      expect(final.error?.reason).toBe('network');
      expect(mocked.getJob).toHaveBeenCalledTimes(3);
    });

    it('rides out a transient poll failure', async () => {
      mocked.startPublish.mockResolvedValue(job({ state: 'running' }));
      mocked.getJob
        .mockRejectedValueOnce(new ApiError('blip', { reason: 'network' }))
        .mockResolvedValueOnce(
          job({ state: 'succeeded', log: ['ok'], log_length: 1 })
        );
      const final = await model.publish(request);
      expect(final.state).toBe('succeeded');
      expect(final.log).toEqual(['ok']);
    });

    it('refreshes the deployments after publishing the current file', async () => {
      model.currentPath = 'work/report.ipynb';
      mocked.listDeployments.mockClear();
      mocked.startPublish.mockResolvedValue(job());
      mocked.getJob.mockResolvedValue(job({ state: 'succeeded' }));
      await model.publish(request);
      expect(mocked.listDeployments).toHaveBeenCalledWith('work/report.ipynb');
    });

    it('picks up running jobs after a reload, with their log from the start', async () => {
      mocked.listJobs.mockResolvedValue([
        job({ id: 'run', state: 'running', step: 'upload', log_length: 5 }),
        job({ id: 'old', state: 'succeeded', log_length: 9 })
      ]);
      mocked.getJob.mockResolvedValueOnce(
        job({
          id: 'run',
          state: 'succeeded',
          log: ['1', '2', '3', '4', '5', '6'],
          log_length: 6
        })
      );
      const resumed: string[] = [];
      model.jobResumed.connect((_, j) => resumed.push(j.id));
      const jobs = await model.resumeJobs();
      expect(jobs.map(j => j.id)).toEqual(['run']);
      expect(resumed).toEqual(['run']);
      const final = await model.done('run');
      expect(final.state).toBe('succeeded');
      expect(final.log).toEqual(['1', '2', '3', '4', '5', '6']);
      expect(mocked.getJob).toHaveBeenCalledWith('run', 0);
      expect(model.job('old')).toBeUndefined();
      // Asked again, a job already followed is not picked up twice.
      mocked.listJobs.mockResolvedValue([job({ id: 'run', state: 'running' })]);
      expect(await model.resumeJobs()).toEqual([]);
    });

    it('shows the newest finished job of a file again after a reload, when recent', async () => {
      const now = Date.parse('2026-11-23T09:00:00Z');
      const ago = (minutes: number): number => (now - minutes * 60000) / 1000;
      model.currentPath = 'work/report.ipynb';
      mocked.getJob.mockClear();
      const listed = [
        // Newest first, as the server lists them.
        job({
          id: 'failed-2m',
          state: 'failed',
          error: { message: 'Bundle upload failed', step: 'upload' },
          created: ago(3),
          finished: ago(2),
          log_length: 3
        }),
        job({
          id: 'ok-5m',
          state: 'succeeded',
          content_url: 'http://connect/content/1/',
          created: ago(6),
          finished: ago(5)
        }),
        job({
          id: 'other-old',
          path: 'work/other.ipynb',
          state: 'succeeded',
          created: ago(31),
          finished: ago(30)
        }),
        job({
          id: 'app-1m',
          path: 'app.py',
          state: 'succeeded',
          created: ago(2),
          finished: ago(1)
        })
      ];
      mocked.listJobs.mockResolvedValue(listed);
      mocked.getJob.mockImplementation(async id => ({
        ...listed.find(j => j.id === id)!,
        log: ['one', 'two', 'three'],
        log_length: 3
      }));
      const resumed = jest.fn();
      model.jobResumed.connect(resumed);
      const changed = jest.fn();
      model.jobChanged.connect(changed);

      const jobs = await model.resumeJobs(now);

      expect(jobs.map(j => j.id).sort()).toEqual(['app-1m', 'failed-2m']);
      // Not announced: no notification follows a job that is over.
      expect(resumed).not.toHaveBeenCalled();
      expect(changed).toHaveBeenCalled();
      const shown = model.latestJob('work/report.ipynb')!;
      expect(shown.id).toBe('failed-2m');
      expect(shown.state).toBe('failed');
      expect(shown.error?.message).toBe('Bundle upload failed');
      // With its whole log, which the listing leaves out.
      expect(shown.log).toEqual(['one', 'two', 'three']);
      expect(mocked.getJob).toHaveBeenCalledWith('failed-2m', 0);
      // Older jobs of the file, and another file's job of half an hour ago, stay out.
      expect(model.job('ok-5m')).toBeUndefined();
      expect(model.latestJob('work/other.ipynb')).toBeUndefined();
      await expect(model.done('failed-2m')).resolves.toMatchObject({
        state: 'failed'
      });
    });

    it('shows nothing again when the finished jobs are older than ten minutes', async () => {
      const now = Date.parse('2026-11-23T09:00:00Z');
      mocked.getJob.mockClear();
      mocked.listJobs.mockResolvedValue([
        job({
          id: 'old',
          state: 'succeeded',
          created: now / 1000 - 700,
          finished: now / 1000 - 660
        })
      ]);
      expect(await model.resumeJobs(now)).toEqual([]);
      expect(model.latestJob('work/report.ipynb')).toBeUndefined();
      expect(mocked.getJob).not.toHaveBeenCalled();
    });

    it('takes the first finished job of a file in the listing without timestamps', async () => {
      mocked.listJobs.mockResolvedValue([
        job({ id: 'newer', state: 'succeeded', content_url: 'http://c/1/' }),
        job({ id: 'older', state: 'failed' })
      ]);
      // The log cannot be read: the job is shown as listed.
      mocked.getJob.mockRejectedValue(new ApiError('gone', { status: 404 }));
      const jobs = await model.resumeJobs();
      expect(jobs.map(j => j.id)).toEqual(['newer']);
      expect(model.latestJob('work/report.ipynb')).toMatchObject({
        id: 'newer',
        state: 'succeeded',
        content_url: 'http://c/1/',
        log: []
      });
    });

    it('keeps a job of this session the newest of its file', async () => {
      mocked.startPublish.mockResolvedValue(job({ id: 'mine' }));
      mocked.getJob.mockResolvedValue(job({ id: 'mine', state: 'succeeded' }));
      await model.publish(request);
      mocked.listJobs.mockResolvedValue([
        job({ id: 'mine', state: 'succeeded' }),
        job({ id: 'before', state: 'failed' })
      ]);
      expect(await model.resumeJobs()).toEqual([]);
      expect(model.latestJob('work/report.ipynb')?.id).toBe('mine');
    });

    it('resumes nothing when the job list cannot be read', async () => {
      mocked.listJobs.mockRejectedValue(new ApiError('gone', { status: 404 }));
      await expect(model.resumeJobs()).resolves.toEqual([]);
    });

    it('asks the server what a publish would do', async () => {
      mocked.checkPublish.mockResolvedValue({
        content_guid: 'g1',
        new: false,
        app_mode: 'jupyter-static',
        title: 'Report'
      });
      await expect(model.check(request)).resolves.toMatchObject({
        content_guid: 'g1'
      });
      expect(mocked.checkPublish).toHaveBeenCalledWith(request);
    });

    it('ends a job only once the new deployment is listed', async () => {
      model.currentPath = 'work/report.ipynb';
      mocked.startPublish.mockResolvedValue(job());
      mocked.getJob.mockResolvedValue(job({ state: 'succeeded' }));
      mocked.listDeployments.mockResolvedValue([
        { content_guid: 'g1', title: 'Report' }
      ]);
      await model.publish(request);
      expect(model.deployments.value.map(d => d.content_guid)).toEqual(['g1']);
    });

    it('stops polling and disconnects signals when disposed', async () => {
      mocked.startPublish.mockResolvedValue(job({ state: 'running' }));
      mocked.getJob.mockResolvedValue(job({ state: 'running' }));
      const changed = jest.fn();
      model.jobChanged.connect(changed);
      const started = await model.start(request);
      model.dispose();
      const final = await model.done(started.id);
      expect(final.state).toBe('running');
      expect(model.isDisposed).toBe(true);
      const calls = changed.mock.calls.length;
      // A disposed model emits nothing more.
      await new Promise(resolve => setTimeout(resolve, 10));
      expect(changed.mock.calls.length).toBe(calls);
    });
  });
});
