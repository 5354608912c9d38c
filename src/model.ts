/**
 * The state of the Posit Connect panel: servers, the current document, its
 * deployments and environment, and publish jobs. Views subscribe to the signals;
 * all server calls go through `api.ts`.
 */
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import * as api from './api';
import {
  ApiError,
  IAddServerRequest,
  IContentItem,
  IContentUser,
  IDeployment,
  IEnvironment,
  IEnvironmentRequest,
  IJob,
  IPublishRequest,
  IPublishTarget,
  IServer,
  PublishMode,
  isFinal
} from './api';

/** The user's settings of the extension (schema/plugin.json). */
export interface IConnectSettings {
  defaultServer: string;
  defaultMode: PublishMode;
  confirmUpdate: boolean;
}

export const DEFAULT_SETTINGS: IConnectSettings = {
  defaultServer: '',
  defaultMode: 'source',
  confirmUpdate: true
};

/** Something loaded from the server, with its error if loading failed. */
export interface ILoadable<T> {
  value: T;
  loading: boolean;
  error: ApiError | null;
}

/** Whether a path can be published, and how. */
export function publishableKind(
  path: string | null | undefined
): 'notebook' | 'python' | null {
  if (!path) {
    return null;
  }
  const lower = path.toLowerCase();
  if (lower.endsWith('.ipynb')) {
    return 'notebook';
  }
  if (lower.endsWith('.py')) {
    return 'python';
  }
  return null;
}

function sameUrl(
  a: string | null | undefined,
  b: string | null | undefined
): boolean {
  const norm = (url: string | null | undefined): string =>
    (url ?? '').trim().replace(/\/+$/, '').toLowerCase();
  return !!a && !!b && norm(a) === norm(b);
}

/**
 * The nickname of the server a deployment record belongs to: its own
 * `server_name` (listed or not: a server of the same URL may hold another
 * account's key, so a removed server is never swapped for it), else the listed
 * server with the same URL (records written by rsconnect-python only know the
 * URL), else the record's URL.
 */
export function deploymentServer(
  deployment: IDeployment,
  servers: ReadonlyArray<IServer>
): string {
  if (deployment.server_name) {
    return deployment.server_name;
  }
  const byUrl = servers.find(s => sameUrl(s.url, deployment.server_url));
  if (byUrl) {
    return byUrl.name;
  }
  return deployment.server_url ?? '';
}

/** The listed servers with the URL of a deployment record (candidates to redeploy it with). */
export function serversWithUrl(
  deployment: IDeployment,
  servers: ReadonlyArray<IServer>
): IServer[] {
  return servers.filter(s => sameUrl(s.url, deployment.server_url));
}

/** A stable key of the form's choices, to tell whether a preview is out of date. */
export function choiceKey(choices: Omit<IEnvironmentRequest, 'path'>): string {
  const sorted = Object.keys(choices)
    .sort()
    .filter(key => (choices as Record<string, unknown>)[key] !== undefined)
    .map(key => [key, (choices as Record<string, unknown>)[key]]);
  return JSON.stringify(sorted);
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) {
    return error;
  }
  return new ApiError(String((error as Error)?.message ?? error));
}

/** How long (ms) a finished job is shown again after a reload of the page. */
export const RECENT_JOB_MS = 10 * 60 * 1000;

/**
 * When a job ended (ms since the epoch), from its `finished` time, else its
 * `created` time; null when the server gave neither.
 */
export function jobEndTime(job: IJob): number | null {
  for (const value of [job.finished, job.created]) {
    if (typeof value === 'number' && isFinite(value) && value > 0) {
      // The server sends seconds; a value that large is already milliseconds.
      return value > 1e12 ? value : value * 1000;
    }
    if (typeof value === 'string') {
      const parsed = Date.parse(value);
      if (!isNaN(parsed)) {
        return parsed;
      }
    }
  }
  return null;
}

/**
 * The finished jobs worth showing again after a reload: per file, the newest
 * finished job (by its end time, else the first in the server's listing,
 * which is newest first), when it ended within `RECENT_JOB_MS` of `now`.
 * Files in `skip` (a job running, or one already known) are left out.
 */
export function recentFinishedJobs(
  listed: ReadonlyArray<IJob>,
  skip: ReadonlySet<string>,
  now: number
): IJob[] {
  const newest = new Map<string, IJob>();
  for (const job of listed) {
    if (!isFinal(job.state) || skip.has(job.path)) {
      continue;
    }
    const known = newest.get(job.path);
    if (!known) {
      newest.set(job.path, job);
      continue;
    }
    const time = jobEndTime(job);
    const knownTime = jobEndTime(known);
    if (time !== null && (knownTime === null || time > knownTime)) {
      newest.set(job.path, job);
    }
  }
  return Array.from(newest.values()).filter(job => {
    const time = jobEndTime(job);
    return time === null || now - time <= RECENT_JOB_MS;
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

export class ConnectModel implements IDisposable {
  constructor(options: ConnectModel.IOptions = {}) {
    this._pollInterval = options.pollInterval ?? 500;
    this._maxPollErrors = options.maxPollErrors ?? 10;
    this._saveDefaultServer = options.saveDefaultServer ?? null;
  }

  // ---- servers -------------------------------------------------------------

  /** The servers the user can publish to. */
  get servers(): ILoadable<ReadonlyArray<IServer>> {
    return this._servers;
  }

  /** Emitted when the server list (or its loading state) changes. */
  get serversChanged(): ISignal<this, ILoadable<ReadonlyArray<IServer>>> {
    return this._serversChanged;
  }

  /** The server a new publish goes to unless the user picks another. */
  get defaultServer(): string | null {
    // A server an administrator's policy blocks is listed, never chosen.
    const servers = this._servers.value.filter(s => !s.blocked);
    const preferred = this._settings.defaultServer;
    if (preferred && servers.some(s => s.name === preferred)) {
      return preferred;
    }
    const flagged = servers.find(s => s.default);
    if (flagged) {
      return flagged.name;
    }
    return servers.length > 0 ? servers[0].name : null;
  }

  /** Reload the server list. Errors are kept in `servers.error`, not thrown. */
  async refreshServers(): Promise<ReadonlyArray<IServer>> {
    this._setServers({ ...this._servers, loading: true });
    try {
      const servers = await api.listServers();
      this._setServers({ value: servers, loading: false, error: null });
    } catch (error) {
      this._setServers({
        ...this._servers,
        loading: false,
        error: asApiError(error)
      });
    }
    return this._servers.value;
  }

  /** Show that the server extension is missing, in place of the server list. */
  markUnavailable(error: ApiError): void {
    this._setServers({ value: [], loading: false, error });
  }

  /**
   * Add a server. The server extension verifies URL and key before saving it;
   * on failure this throws the `ApiError` with its specific message, and the
   * list stays as it was.
   */
  async addServer(request: IAddServerRequest): Promise<IServer> {
    const server = await api.addServer(request);
    const others = this._servers.value.filter(s => s.name !== server.name);
    this._setServers({
      value: [...others, server],
      loading: false,
      error: null
    });
    // The server may also change default flags or sources: reload in the background.
    void this.refreshServers();
    return server;
  }

  /**
   * Remove a saved server. When it was the default server of the settings,
   * that setting is cleared too (a server added later under the same
   * nickname must not silently become the default).
   */
  async removeServer(name: string): Promise<void> {
    await api.removeServer(name);
    this._setServers({
      value: this._servers.value.filter(s => s.name !== name),
      loading: false,
      error: null
    });
    if (this._content.delete(name)) {
      this._contentChanged.emit(name);
    }
    if (this._settings.defaultServer === name) {
      this.settings = { ...this._settings, defaultServer: '' };
      await this._saveDefaultServer?.('');
    }
  }

  /** Make a server the default of new publishes (saved in the settings). */
  async setDefaultServer(name: string): Promise<void> {
    this.settings = { ...this._settings, defaultServer: name };
    await this._saveDefaultServer?.(name);
  }

  /**
   * Check that a server answers with the saved key, by listing the user's
   * content there; resolves with that content (also kept as `content(name)`).
   */
  async verifyServer(name: string): Promise<IContentItem[]> {
    const loaded = await this.refreshContent(name);
    if (loaded.error) {
      throw loaded.error;
    }
    return [...loaded.value];
  }

  // ---- the user's content on each server -----------------------------------

  /** The user's content on a server, as last loaded (empty before). */
  content(server: string): ILoadable<ReadonlyArray<IContentItem>> {
    return (
      this._content.get(server) ?? { value: [], loading: false, error: null }
    );
  }

  /** Whether the content of a server was loaded (or is loading) at least once. */
  hasContent(server: string): boolean {
    return this._content.has(server);
  }

  /** Emitted with the server's name when its content (or loading state) changes. */
  get contentChanged(): ISignal<this, string> {
    return this._contentChanged;
  }

  /**
   * Load the user's content on a server. The account's role that comes with
   * it fills in the server entry's `user_role` (and user name) when those were
   * not known yet. Errors are kept in the result's `error`, not thrown.
   */
  async refreshContent(
    server: string
  ): Promise<ILoadable<ReadonlyArray<IContentItem>>> {
    const seq = (this._contentSeq.get(server) ?? 0) + 1;
    this._contentSeq.set(server, seq);
    this._content.set(server, { ...this.content(server), loading: true });
    this._contentChanged.emit(server);
    let next: ILoadable<ReadonlyArray<IContentItem>>;
    try {
      const listing = await api.listContent(server);
      next = { value: listing.content, loading: false, error: null };
      this._learnUser(server, listing.user);
    } catch (error) {
      next = {
        value: this.content(server).value,
        loading: false,
        error: asApiError(error)
      };
    }
    if (this._contentSeq.get(server) === seq && !this.isDisposed) {
      this._content.set(server, next);
      this._contentChanged.emit(server);
    }
    return next;
  }

  /**
   * Delete content on Connect. The server extension forgets the deployment
   * records that point to it, so the server's content list and the current
   * file's deployments are loaded again. Throws the server's `ApiError`.
   */
  async deleteContent(server: string, guid: string): Promise<void> {
    await api.deleteContent(server, guid);
    const current = this.content(server);
    this._content.set(server, {
      ...current,
      value: current.value.filter(item => item.guid !== guid)
    });
    this._contentChanged.emit(server);
    await Promise.all([this.refreshContent(server), this.refreshDeployments()]);
  }

  private _learnUser(server: string, user: IContentUser | null): void {
    if (!user) {
      return;
    }
    let changed = false;
    const servers = this._servers.value.map(s => {
      if (s.name !== server) {
        return s;
      }
      const role = user.user_role ?? s.user_role ?? null;
      const username = s.username || user.username || null;
      if (role === (s.user_role ?? null) && username === (s.username ?? null)) {
        return s;
      }
      changed = true;
      return { ...s, user_role: role, username };
    });
    if (changed) {
      this._setServers({ ...this._servers, value: servers });
    }
  }

  // ---- settings ------------------------------------------------------------

  get settings(): IConnectSettings {
    return this._settings;
  }

  get settingsChanged(): ISignal<this, IConnectSettings> {
    return this._settingsChanged;
  }

  set settings(value: IConnectSettings) {
    this._settings = { ...DEFAULT_SETTINGS, ...value };
    this._settingsChanged.emit(this._settings);
  }

  // ---- the current document ------------------------------------------------

  /** The file the publish form is about (a notebook or a Python file). */
  get currentPath(): string | null {
    return this._currentPath;
  }

  set currentPath(path: string | null) {
    if (path === this._currentPath) {
      return;
    }
    this._currentPath = path;
    this._deployments = { value: [], loading: false, error: null };
    this._environment = { value: null, loading: false, error: null };
    this._environmentChoices = null;
    this._environmentSeq += 1;
    this._detectedAppMode = null;
    this._currentPathChanged.emit(path);
    this._deploymentsChanged.emit(this._deployments);
    this._environmentChanged.emit(this._environment);
    this._detectedAppModeChanged.emit(null);
    if (path) {
      void this.refreshDeployments();
    }
    if (publishableKind(path) === 'python') {
      void this.refreshDetectedAppMode();
    }
  }

  get currentPathChanged(): ISignal<this, string | null> {
    return this._currentPathChanged;
  }

  /** Deployment records (targets) of the current file. */
  get deployments(): ILoadable<ReadonlyArray<IDeployment>> {
    return this._deployments;
  }

  get deploymentsChanged(): ISignal<
    this,
    ILoadable<ReadonlyArray<IDeployment>>
  > {
    return this._deploymentsChanged;
  }

  async refreshDeployments(): Promise<ReadonlyArray<IDeployment>> {
    const path = this._currentPath;
    if (!path) {
      return [];
    }
    this._deployments = { ...this._deployments, loading: true };
    this._deploymentsChanged.emit(this._deployments);
    let next: ILoadable<ReadonlyArray<IDeployment>>;
    try {
      const value = await api.listDeployments(path);
      next = { value, loading: false, error: null };
    } catch (error) {
      next = { value: [], loading: false, error: asApiError(error) };
    }
    if (path === this._currentPath && !this.isDisposed) {
      this._deployments = next;
      this._deploymentsChanged.emit(next);
    }
    return next.value;
  }

  /**
   * For a `.py` file: the app mode its imports suggest (Streamlit, FastAPI,
   * ...), the form's default when no record and no choice of the user says
   * otherwise; null when unknown (not a `.py`, no framework import, not loaded yet).
   */
  get detectedAppMode(): string | null {
    return this._detectedAppMode;
  }

  get detectedAppModeChanged(): ISignal<this, string | null> {
    return this._detectedAppModeChanged;
  }

  /** Ask the server which app mode the current `.py` file's imports suggest. */
  async refreshDetectedAppMode(): Promise<string | null> {
    const path = this._currentPath;
    if (publishableKind(path) !== 'python') {
      return null;
    }
    let detected: string | null = null;
    try {
      detected = (await api.getFileFacts(path!))?.detected_app_mode ?? null;
    } catch {
      // Only a default of the form: without it the form starts on Dash.
      return null;
    }
    this._setDetectedAppMode(path, detected);
    return detected;
  }

  private _setDetectedAppMode(path: string | null, mode: string | null): void {
    if (
      path === this._currentPath &&
      !this.isDisposed &&
      mode !== this._detectedAppMode
    ) {
      this._detectedAppMode = mode;
      this._detectedAppModeChanged.emit(mode);
    }
  }

  /** The environment the current file would be published with. */
  get environment(): ILoadable<IEnvironment | null> {
    return this._environment;
  }

  get environmentChanged(): ISignal<this, ILoadable<IEnvironment | null>> {
    return this._environmentChanged;
  }

  /**
   * Inspect the environment and bundle of the current file, for the choices
   * of the form (mode, app type, extra files, server).
   */
  async refreshEnvironment(
    choices: Omit<IEnvironmentRequest, 'path'> = {}
  ): Promise<IEnvironment | null> {
    const path = this._currentPath;
    if (!path) {
      return null;
    }
    const seq = ++this._environmentSeq;
    this._environment = { ...this._environment, loading: true };
    this._environmentChanged.emit(this._environment);
    let next: ILoadable<IEnvironment | null>;
    try {
      const value = await api.inspectEnvironment({ ...choices, path });
      next = { value, loading: false, error: null };
    } catch (error) {
      next = { value: null, loading: false, error: asApiError(error) };
    }
    // Only the answer to the newest question counts (the form may have changed).
    if (
      path === this._currentPath &&
      seq === this._environmentSeq &&
      !this.isDisposed
    ) {
      this._environment = next;
      this._environmentChoices = choiceKey(choices);
      this._environmentChanged.emit(next);
      if (next.value && 'detected_app_mode' in next.value) {
        // A fresher look at the file (it may have been edited since).
        this._setDetectedAppMode(path, next.value.detected_app_mode ?? null);
      }
    }
    return next.value;
  }

  /**
   * The form's choices the shown environment was inspected for (a stable key,
   * compare with `choiceKey`), null before the first inspection.
   */
  get environmentChoices(): string | null {
    return this._environmentChoices;
  }

  // ---- publish jobs --------------------------------------------------------

  /** Every job started in this session, newest last, with its whole log. */
  get jobs(): ReadonlyArray<IJob> {
    return Array.from(this._jobs.values());
  }

  /** A job by id. */
  job(id: string): IJob | undefined {
    return this._jobs.get(id);
  }

  /** The newest job of a file. */
  latestJob(path: string | null): IJob | undefined {
    if (!path) {
      return undefined;
    }
    const jobs = this.jobs.filter(j => j.path === path);
    return jobs[jobs.length - 1];
  }

  /** Emitted with the job each time one starts or changes (state, step, new log lines). */
  get jobChanged(): ISignal<this, IJob> {
    return this._jobChanged;
  }

  /**
   * Start a publish job; it is followed (polled) in the background until it ends.
   *
   * Throws an `ApiError` when the server refuses to start it (bad input, a title
   * clash, ...). `jobChanged` fires on every update; `done(id)` resolves with
   * the final job.
   */
  async start(request: IPublishRequest): Promise<IJob> {
    const started = await api.startPublish(request);
    const job: IJob = {
      ...started,
      path: started.path || request.path,
      server: started.server || request.server,
      log: [...(started.log ?? [])]
    };
    this._setJob(job);
    this._done.set(job.id, this._follow(job.id));
    return job;
  }

  /** The final state of a job started in this session. */
  done(id: string): Promise<IJob> {
    const done = this._done.get(id);
    if (done) {
      return done;
    }
    const job = this._jobs.get(id);
    return job
      ? Promise.resolve(job)
      : Promise.reject(new ApiError(`Unknown job ${id}`));
  }

  /**
   * Ask the server what a publish would do (`dry_run`), without running it:
   * the content it updates, or new content. Throws the `ApiError` the publish
   * would get (a title clash, a mode change, bad input).
   */
  async check(request: IPublishRequest): Promise<IPublishTarget> {
    return api.checkPublish(request);
  }

  /**
   * Pick up the jobs of the server after a reload of the page. Each job still
   * running is followed from the first log line on, and announced by
   * `jobResumed`. A file's newest finished job, when it ended within the last
   * ten minutes (`RECENT_JOB_MS`), is shown again as it ended, with its whole
   * log, but not announced (no new notification). Resolves with the jobs
   * picked up, running ones first; errors are left out (nothing to resume).
   */
  async resumeJobs(now: number = Date.now()): Promise<IJob[]> {
    let listed: IJob[];
    try {
      listed = await api.listJobs();
    } catch {
      return [];
    }
    const resumed: IJob[] = [];
    // A file with a running job, or with a job known here already, shows that one.
    const skip = new Set(this.jobs.map(j => j.path));
    for (const snapshot of listed) {
      if (isFinal(snapshot.state)) {
        continue;
      }
      skip.add(snapshot.path);
      if (this._jobs.has(snapshot.id)) {
        continue;
      }
      const job: IJob = { ...snapshot, log: [], log_length: 0 };
      this._setJob(job);
      this._done.set(job.id, this._follow(job.id, true));
      resumed.push(job);
      this._jobResumed.emit(job);
    }
    const finished = await Promise.all(
      recentFinishedJobs(listed, skip, now).map(async snapshot => {
        let job: IJob = { ...snapshot, log: [] };
        try {
          // The listing leaves the log out.
          const full = await api.getJob(snapshot.id, 0);
          job = { ...snapshot, ...full, log: full.log ?? [] };
        } catch {
          // The state and the error are known: show them without the log.
        }
        return job;
      })
    );
    for (const job of finished) {
      if (this.isDisposed || this._jobs.has(job.id)) {
        continue;
      }
      // First in the list: a job of the file started meanwhile stays the newest.
      this._jobs = new Map([[job.id, job], ...this._jobs.entries()]);
      this._jobChanged.emit(job);
      resumed.push(job);
    }
    return resumed;
  }

  /** Emitted for each running job picked up again by `resumeJobs`. */
  get jobResumed(): ISignal<this, IJob> {
    return this._jobResumed;
  }

  /** Start a publish job and wait for its end (see `start`). */
  async publish(request: IPublishRequest): Promise<IJob> {
    const job = await this.start(request);
    return this.done(job.id);
  }

  /** Ask the server to cancel a job; the poll loop sees the final state. */
  async cancel(id: string): Promise<void> {
    await api.cancelJob(id);
  }

  private async _follow(id: string, immediately = false): Promise<IJob> {
    let errors = 0;
    let job = this._jobs.get(id)!;
    let wait = !immediately;
    while (!isFinal(job.state) && !this.isDisposed) {
      if (wait) {
        await sleep(this._pollInterval);
      }
      wait = true;
      if (this.isDisposed) {
        break;
      }
      try {
        const update = await api.getJob(id, job.log.length);
        errors = 0;
        job = {
          ...job,
          ...update,
          log: job.log.concat(update.log ?? [])
        };
        this._setJob(job);
      } catch (error) {
        errors += 1;
        const apiError = asApiError(error);
        if (apiError.status === 404 || errors >= this._maxPollErrors) {
          job = {
            ...job,
            state: 'failed',
            error: {
              message: apiError.message,
              reason: apiError.reason,
              step: job.step ?? null
            }
          };
          this._setJob(job);
        }
      }
    }
    if (job.state === 'succeeded' && !this.isDisposed) {
      // Done only once the new record is listed, so the form can target it;
      // the server's content list (when shown) gets the new item too.
      await Promise.all([
        job.path === this._currentPath
          ? this.refreshDeployments()
          : Promise.resolve([]),
        job.server && this.hasContent(job.server)
          ? this.refreshContent(job.server)
          : Promise.resolve(null)
      ]);
    }
    return job;
  }

  private _setJob(job: IJob): void {
    this._jobs.set(job.id, job);
    this._jobChanged.emit(job);
  }

  private _setServers(value: ILoadable<ReadonlyArray<IServer>>): void {
    this._servers = value;
    this._serversChanged.emit(value);
  }

  // ---- lifetime ------------------------------------------------------------

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private _isDisposed = false;
  private _saveDefaultServer: ((name: string) => void | Promise<void>) | null =
    null;
  private _content = new Map<string, ILoadable<ReadonlyArray<IContentItem>>>();
  private _contentSeq = new Map<string, number>();
  private _contentChanged = new Signal<this, string>(this);
  private _environmentSeq = 0;
  private _environmentChoices: string | null = null;
  private _pollInterval: number;
  private _maxPollErrors: number;
  private _settings: IConnectSettings = { ...DEFAULT_SETTINGS };
  private _servers: ILoadable<ReadonlyArray<IServer>> = {
    value: [],
    loading: false,
    error: null
  };
  private _currentPath: string | null = null;
  private _detectedAppMode: string | null = null;
  private _deployments: ILoadable<ReadonlyArray<IDeployment>> = {
    value: [],
    loading: false,
    error: null
  };
  private _environment: ILoadable<IEnvironment | null> = {
    value: null,
    loading: false,
    error: null
  };
  private _jobs = new Map<string, IJob>();
  private _done = new Map<string, Promise<IJob>>();

  private _serversChanged = new Signal<this, ILoadable<ReadonlyArray<IServer>>>(
    this
  );
  private _settingsChanged = new Signal<this, IConnectSettings>(this);
  private _currentPathChanged = new Signal<this, string | null>(this);
  private _deploymentsChanged = new Signal<
    this,
    ILoadable<ReadonlyArray<IDeployment>>
  >(this);
  private _environmentChanged = new Signal<
    this,
    ILoadable<IEnvironment | null>
  >(this);
  private _detectedAppModeChanged = new Signal<this, string | null>(this);
  private _jobChanged = new Signal<this, IJob>(this);
  private _jobResumed = new Signal<this, IJob>(this);
}

export namespace ConnectModel {
  export interface IOptions {
    /** Milliseconds between two polls of a running job (default 500). */
    pollInterval?: number;
    /** Consecutive failed polls after which a job is given up (default 10). */
    maxPollErrors?: number;
    /** Saves the `defaultServer` setting ('' clears it). */
    saveDefaultServer?: (name: string) => void | Promise<void>;
  }
}
