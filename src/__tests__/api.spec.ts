/**
 * The request helper: URLs under `rsconnect-lab/`, JSON bodies, and errors
 * that carry the server's own `message` and `reason`.
 */
import { ServerConnection } from '@jupyterlab/services';

import {
  ApiError,
  addServer,
  checkPublish,
  getJob,
  listDeployments,
  listJobs,
  startPublish
} from '../api';

function answer(status: number, body: unknown): Response {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: status === 404 ? 'Not Found' : '',
    text: async () => text
  } as unknown as Response;
}

describe('api', () => {
  let makeRequest: jest.SpyInstance;

  beforeEach(() => {
    makeRequest = jest.spyOn(ServerConnection, 'makeRequest');
  });

  afterEach(() => {
    makeRequest.mockRestore();
  });

  it('posts JSON to the route under rsconnect-lab/', async () => {
    makeRequest.mockResolvedValue(
      answer(201, {
        server: { name: 'local', url: 'http://c', source: 'saved' }
      })
    );
    const server = await addServer({
      name: 'local',
      url: 'http://c',
      api_key: 'k'
    });
    expect(server.name).toBe('local');
    const [url, init] = makeRequest.mock.calls[0];
    expect(url).toMatch(/\/rsconnect-lab\/servers$/);
    expect(init.method).toBe('POST');
    expect(JSON.parse(init.body)).toEqual({
      name: 'local',
      url: 'http://c',
      api_key: 'k'
    });
  });

  it('asks for a dry run with the publish body, and lists jobs', async () => {
    makeRequest.mockResolvedValueOnce(
      answer(200, { target: { content_guid: null, new: true } })
    );
    const target = await checkPublish({
      path: 'a.ipynb',
      server: 'local',
      mode: 'source',
      title: 'A',
      new: true,
      check_title: true
    });
    expect(target).toEqual({ content_guid: null, new: true });
    const [url, init] = makeRequest.mock.calls[0];
    expect(url).toMatch(/\/rsconnect-lab\/publish$/);
    expect(JSON.parse(init.body)).toMatchObject({
      dry_run: true,
      new: true,
      check_title: true
    });

    makeRequest.mockResolvedValueOnce(
      answer(200, { jobs: [{ id: 'j', state: 'running', log_length: 4 }] })
    );
    const jobs = await listJobs();
    expect(makeRequest.mock.calls[1][0]).toMatch(/\/rsconnect-lab\/jobs$/);
    expect(jobs).toEqual([
      { id: 'j', state: 'running', log_length: 4, log: [] }
    ]);
  });

  it("raises the server's message and reason", async () => {
    makeRequest.mockResolvedValue(
      answer(400, {
        message: 'Connect rejected the API key.',
        reason: 'invalid_api_key'
      })
    );
    const error = await addServer({
      name: 'x',
      url: 'http://c',
      api_key: 'bad'
    }).catch(e => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe('Connect rejected the API key.');
    expect(error.reason).toBe('invalid_api_key');
    expect(error.status).toBe(400);
  });

  it('names a 404 without a JSON body not_found', async () => {
    makeRequest.mockResolvedValue(answer(404, '<html>404</html>'));
    const error = await getJob('nope').catch(e => e);
    expect(error.reason).toBe('not_found');
    expect(error.status).toBe(404);
    expect(error.message).toBe('404 Not Found');
  });

  it('turns a network failure into an ApiError', async () => {
    makeRequest.mockRejectedValue(new TypeError('Failed to fetch'));
    const error = await listDeployments('a.ipynb').catch(e => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.reason).toBe('network');
  });

  it('keeps the extra fields of an error body', async () => {
    makeRequest.mockResolvedValue(
      answer(409, {
        message: 'Title taken',
        reason: 'title_conflict',
        matches: [{ guid: 'g1', title: 'Report' }]
      })
    );
    const error = await startPublish({
      path: 'a.ipynb',
      server: 'local',
      mode: 'source',
      title: 'Report'
    }).catch(e => e);
    expect(error.body.matches).toEqual([{ guid: 'g1', title: 'Report' }]);
  });

  it('asks for log lines from `since` and encodes paths', async () => {
    makeRequest.mockResolvedValue(answer(200, { deployments: [] }));
    await listDeployments('a b/c.ipynb');
    expect(makeRequest.mock.calls[0][0]).toMatch(
      /rsconnect-lab\/deployments\?path=a%20b%2Fc\.ipynb$/
    );
    makeRequest.mockResolvedValue(
      answer(200, { id: 'j', state: 'running', log: ['x'], log_length: 5 })
    );
    const job = await getJob('j', 4);
    expect(makeRequest.mock.calls[1][0]).toMatch(/jobs\/j\?since=4$/);
    expect(job.log).toEqual(['x']);
  });

  it('accepts a publish answer holding the job or only its id', async () => {
    const request = {
      path: 'a.ipynb',
      server: 'local',
      mode: 'source' as const,
      title: 'Report'
    };
    makeRequest.mockResolvedValue(answer(202, { job: 'abc' }));
    expect((await startPublish(request)).id).toBe('abc');
    makeRequest.mockResolvedValue(
      answer(202, { job: { id: 'def', state: 'queued', path: 'a.ipynb' } })
    );
    const job = await startPublish(request);
    expect(job.id).toBe('def');
    expect(job.log).toEqual([]);
  });
});
