/**
 * The one place that talks to the rsconnect_lab server extension.
 *
 * Every route of the REST API (docs/ARCHITECTURE.md) has a typed wrapper here, so
 * views and the model never build URLs. Errors come back as `ApiError`, carrying the
 * server's `message` and machine `reason`.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** The URL prefix of the server extension, under Jupyter's base URL. */
export const API_NAMESPACE = 'rsconnect-lab';

/** Where a server entry comes from. */
export type ServerSource =
  'saved' | 'environment' | 'rsconnect-python' | 'preset';

/** A Connect server as listed by `GET servers` (never with its key). */
export interface IServer {
  name: string;
  url: string;
  username?: string | null;
  source: ServerSource;
  default?: boolean;
  insecure?: boolean;
  has_ca_cert?: boolean;
  /** Presets and servers from the environment cannot be removed here. */
  read_only?: boolean;
  /**
   * The account's role on Connect: "administrator", "publisher" or "viewer";
   * null when not verified yet (servers from the environment or rsconnect-python).
   */
  user_role?: string | null;
  /**
   * Why an administrator's policy forbids this server here (an address outside
   * the allowed ones, TLS checks off where that is not allowed); null when usable.
   */
  blocked?: string | null;
}

/** Whether a Connect role may publish (viewers may not). */
export function canPublish(role: string | null | undefined): boolean {
  return role !== 'viewer';
}

/** The body of `POST servers`: the only request that carries an API key. */
export interface IAddServerRequest {
  name: string;
  url: string;
  api_key: string;
  insecure?: boolean;
  ca_cert?: string;
}

/** Publish modes of the REST API. */
export type PublishMode = 'static' | 'source' | 'voila' | 'app';

/** Which code cells a notebook is published without. */
export type HideInput = 'none' | 'all' | 'tagged';

/** The body of `POST publish`. */
export interface IPublishRequest {
  path: string;
  server: string;
  mode: PublishMode;
  title: string;
  content_guid?: string;
  new?: boolean;
  /** With `new`: still answer 409 `title_conflict` when the user has content of this title. */
  check_title?: boolean;
  hide_input?: boolean | HideInput;
  extra_files?: string[];
  entrypoint?: string;
  app_mode?: string;
  /** Environment variables of the content: sent once, never stored or shown again. */
  env_vars?: Record<string, string>;
}

/** A publish job's state; the last three are final. */
export type JobState =
  'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** States after which a job never changes again. */
export const FINAL_STATES: ReadonlyArray<JobState> = [
  'succeeded',
  'failed',
  'cancelled'
];

/** Whether a job state is final. */
export function isFinal(state: JobState): boolean {
  return FINAL_STATES.includes(state);
}

/** Why a job failed. */
export interface IJobError {
  message: string;
  reason?: string | null;
  step?: string | null;
  /** Connect's page with the content's logs, when the deploy task failed. */
  logs_url?: string | null;
  /** The task's last lines, without terminal colours. */
  last_lines?: string[] | null;
  [key: string]: unknown;
}

/** One step of a publish job. */
export interface IJobStep {
  id: string;
  label: string;
  state:
    | 'pending'
    | 'running'
    | 'done'
    | 'failed'
    | 'skipped'
    | 'cancelled'
    | string;
  detail?: string;
  /** Percent done (0–100) while uploading. */
  progress?: number | null;
}

/** A publish job as returned by `GET jobs/{id}?since=N`. */
export interface IJob {
  id: string;
  path: string;
  server: string;
  state: JobState;
  step?: string | null;
  /** Log lines from `since` on (the model keeps the whole log). */
  log: string[];
  log_length: number;
  content_url?: string | null;
  dashboard_url?: string | null;
  error?: IJobError | null;
  steps?: IJobStep[];
  /** False once the new version is being made live: a cancel would be refused. */
  cancellable?: boolean;
  /** When the job started and ended (seconds since the epoch, the server's clock). */
  created?: number | null;
  finished?: number | null;
  /** Any further fields the server sends. */
  [key: string]: unknown;
}

/** What `POST environment` inspects: the file and the choices of the form. */
export interface IEnvironmentRequest {
  path: string;
  mode?: PublishMode;
  app_mode?: string;
  extra_files?: string[];
  entrypoint?: string;
  /** With a server, its available Python versions are checked too. */
  server?: string;
}

/** The files a publish would upload, and those it leaves out. */
export interface IBundlePreview {
  files: { path: string; size: number | null }[];
  excluded: { path: string; reason: string }[];
  /** Bytes before compression. */
  total: number;
  entrypoint?: string | null;
  warnings?: string[];
}

/**
 * Where the inspected Python comes from: the notebook's running kernel, the
 * kernelspec of its session ("kernelspec") or named in the notebook
 * ("notebook"), or, when none resolved, the Jupyter server's own ("server").
 */
export type InterpreterSource =
  'kernel' | 'kernelspec' | 'notebook' | 'server' | 'given';

/** The environment a notebook will be published with (`POST environment`). */
export interface IEnvironment {
  python?: string;
  python_version?: string;
  pip_version?: string;
  source?: string;
  packages?: string[];
  warnings?: string[];
  bundle?: IBundlePreview;
  /** The app mode inspected (the form's, a record's, or the guessed one). */
  app_mode?: string;
  /** For a `.py` app: the app mode its imports suggest, null when none. */
  detected_app_mode?: string | null;
  interpreter_source?: InterpreterSource | string;
  /** The kernelspec of the interpreter (or the one the notebook names). */
  kernel_name?: string | null;
  [key: string]: unknown;
}

/** What is known of a file at once, before any inspection (`GET environment?path=`). */
export interface IFileFacts {
  path: string;
  /** For a `.py` file: the app mode its imports suggest, null when none. */
  detected_app_mode: string | null;
}

/** A deployment record of a file (`GET deployments?path=`). */
export interface IDeployment {
  server_name?: string | null;
  server_url?: string;
  content_guid?: string;
  title?: string;
  mode?: string;
  app_mode?: string;
  content_url?: string;
  dashboard_url?: string;
  deployed_at?: string | number;
  hide_input?: HideInput | boolean | null;
  entrypoint?: string | null;
  /** Extra files, relative to the Jupyter root. */
  extra_files?: string[] | null;
  [key: string]: unknown;
}

/** A content item of the user on a server (`GET servers/{name}/content`). */
export interface IContentItem {
  guid: string;
  name?: string;
  title?: string | null;
  app_mode?: string;
  content_url?: string;
  dashboard_url?: string;
  created_time?: string | null;
  last_deployed_time?: string | null;
  bundle_id?: string | null;
  py_version?: string | null;
  [key: string]: unknown;
}

/** The account a server's key belongs to, as `GET servers/{name}/content` reports it. */
export interface IContentUser {
  username?: string | null;
  user_role?: string | null;
}

/** The answer of `GET servers/{name}/content`. */
export interface IContentListing {
  content: IContentItem[];
  user: IContentUser | null;
}

/** The answer of `POST manifest`: the files written and those left alone. */
export interface IManifestResult {
  created?: string[];
  skipped?: string[];
  written?: string[] | { created?: string[]; skipped?: string[] };
  [key: string]: unknown;
}

/**
 * An error answered by the server extension (or a network failure).
 *
 * `message` is the server's human-readable message, `reason` its machine reason
 * (`invalid_api_key`, `unreachable`, `conflict`, ... or `network` when the request
 * never got an answer), `status` the HTTP status (0 for network errors).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly reason: string;
  /** The whole JSON body of the error answer, for fields beyond message/reason. */
  readonly body: Record<string, unknown>;

  constructor(
    message: string,
    options: {
      status?: number;
      reason?: string;
      body?: Record<string, unknown>;
    } = {}
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = options.status ?? 0;
    this.reason = options.reason ?? 'unknown';
    this.body = options.body ?? {};
  }
}

/**
 * Call a route of the server extension and decode its JSON answer.
 *
 * @param endPoint - the route below `rsconnect-lab/` (may include a query string)
 * @param init - method and body
 */
export async function requestAPI<T>(
  endPoint = '',
  init: RequestInit = {}
): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, API_NAMESPACE, endPoint);

  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ApiError(
      `Could not reach the Jupyter server: ${(error as Error).message ?? error}`,
      { reason: 'network' }
    );
  }

  const text = await response.text();
  let data: unknown = null;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }

  if (!response.ok) {
    const body =
      data !== null && typeof data === 'object'
        ? (data as Record<string, unknown>)
        : {};
    const message =
      typeof body.message === 'string' && body.message
        ? body.message
        : typeof data === 'string' && data && !data.startsWith('<')
          ? data
          : `${response.status} ${response.statusText}`.trim();
    const reason =
      typeof body.reason === 'string' && body.reason
        ? body.reason
        : response.status === 404
          ? 'not_found'
          : 'http_error';
    throw new ApiError(message, { status: response.status, reason, body });
  }
  return data as T;
}

function post(body: unknown): RequestInit {
  return { method: 'POST', body: JSON.stringify(body) };
}

/** `GET version`: the server extension's version. */
export async function getVersion(): Promise<string> {
  const data = await requestAPI<{ version: string }>('version');
  return data.version;
}

/** `GET servers`. */
export async function listServers(): Promise<IServer[]> {
  const data = await requestAPI<{ servers: IServer[] }>('servers');
  return data.servers ?? [];
}

/** `POST servers`: verified by the server extension before it is saved. */
export async function addServer(request: IAddServerRequest): Promise<IServer> {
  const data = await requestAPI<{ server: IServer }>('servers', post(request));
  return data.server;
}

/** `DELETE servers/{name}`. */
export async function removeServer(name: string): Promise<void> {
  await requestAPI<void>(`servers/${encodeURIComponent(name)}`, {
    method: 'DELETE'
  });
}

/** `GET servers/{name}/content`: the user's content on a server, and who the user is. */
export async function listContent(server: string): Promise<IContentListing> {
  const data = await requestAPI<{
    content?: IContentItem[];
    user?: IContentUser | null;
  }>(`servers/${encodeURIComponent(server)}/content`);
  return { content: data?.content ?? [], user: data?.user ?? null };
}

/**
 * `DELETE servers/{name}/content/{guid}`: delete content on Connect; the
 * server extension also forgets the deployment records that point to it.
 */
export async function deleteContent(
  server: string,
  guid: string
): Promise<void> {
  await requestAPI<void>(
    `servers/${encodeURIComponent(server)}/content/${encodeURIComponent(guid)}`,
    { method: 'DELETE' }
  );
}

/** `GET environment?path=`: what is known of a file at once (its app mode's guess). */
export async function getFileFacts(path: string): Promise<IFileFacts> {
  const data = await requestAPI<Partial<IFileFacts>>(
    `environment?path=${encodeURIComponent(path)}`
  );
  return { path, detected_app_mode: data?.detected_app_mode ?? null };
}

/** `POST environment`: what a file would be published with, and the bundle's files. */
export async function inspectEnvironment(
  request: IEnvironmentRequest
): Promise<IEnvironment> {
  return requestAPI<IEnvironment>('environment', post(request));
}

/**
 * `POST publish`: start a publish job; answers with its id.
 *
 * The server answers `202 {"job": ...}` where `job` is the job (or only its id).
 */
export async function startPublish(request: IPublishRequest): Promise<IJob> {
  const data = await requestAPI<{ job: IJob | string }>(
    'publish',
    post(request)
  );
  const job = data.job;
  if (typeof job === 'string') {
    return {
      id: job,
      path: request.path,
      server: request.server,
      state: 'queued',
      step: null,
      log: [],
      log_length: 0
    };
  }
  return { ...job, log: job.log ?? [], log_length: job.log_length ?? 0 };
}

/** What a publish would do, as `POST publish` with `dry_run` answers. */
export interface IPublishTarget {
  content_guid: string | null;
  new: boolean;
  app_mode?: string;
  title?: string;
  [key: string]: unknown;
}

/**
 * `POST publish` with `dry_run`: the content a publish would update (or that it
 * makes new content), without running anything. Throws the same `ApiError` the
 * publish would get (`title_conflict`, `app_mode_change`, ...).
 */
export async function checkPublish(
  request: IPublishRequest
): Promise<IPublishTarget> {
  const data = await requestAPI<{ target: IPublishTarget }>(
    'publish',
    post({ ...request, dry_run: true })
  );
  return data.target;
}

/** `GET jobs`: running jobs first, then recent ones (without their logs). */
export async function listJobs(): Promise<IJob[]> {
  const data = await requestAPI<{ jobs: IJob[] }>('jobs');
  return (data.jobs ?? []).map(job => ({ ...job, log: [] }));
}

/** `GET jobs/{id}?since=N`: the job, with log lines from N on. */
export async function getJob(id: string, since = 0): Promise<IJob> {
  const job = await requestAPI<IJob>(
    `jobs/${encodeURIComponent(id)}?since=${since}`
  );
  return { ...job, log: job.log ?? [] };
}

/** `DELETE jobs/{id}`: cancel a job. */
export async function cancelJob(id: string): Promise<void> {
  await requestAPI<void>(`jobs/${encodeURIComponent(id)}`, {
    method: 'DELETE'
  });
}

/** `GET deployments?path=`: deployment records of a file. */
export async function listDeployments(path: string): Promise<IDeployment[]> {
  const data = await requestAPI<{ deployments: IDeployment[] }>(
    `deployments?path=${encodeURIComponent(path)}`
  );
  return data.deployments ?? [];
}

/** The body of `POST manifest`. */
export interface IManifestRequest {
  path: string;
  mode?: PublishMode;
  app_mode?: string;
  entrypoint?: string;
}

/** `POST manifest`: write manifest.json beside a file, for git-backed publishing. */
export async function writeManifest(
  request: IManifestRequest,
  overwrite = false
): Promise<IManifestResult> {
  return requestAPI<IManifestResult>(
    'manifest',
    post({ ...request, overwrite })
  );
}
