/** The version handshake: missing, mismatched and matching server extensions. */
jest.mock('../api', () => ({
  ...jest.requireActual('../api'),
  getVersion: jest.fn()
}));
jest.mock('@jupyterlab/apputils', () => ({
  Dialog: { okButton: jest.fn() },
  Notification: { emit: jest.fn() },
  showDialog: jest.fn()
}));

import { Notification } from '@jupyterlab/apputils';

import * as api from '../api';
import { ApiError } from '../api';
import { checkServerExtension, handshake } from '../handshake';
import { VERSION } from '../version';

import { trans } from './support/trans';

const mocked = api as jest.Mocked<typeof api>;
const emit = Notification.emit as jest.Mock;

describe('handshake', () => {
  beforeEach(() => {
    jest.resetAllMocks();
  });

  it('accepts the same release', async () => {
    mocked.getVersion.mockResolvedValue(VERSION);
    await expect(handshake()).resolves.toEqual({ ok: true, version: VERSION });
    await checkServerExtension(trans);
    expect(emit).not.toHaveBeenCalled();
  });

  it('names a missing server extension on 404', async () => {
    mocked.getVersion.mockRejectedValue(
      new ApiError('404 Not Found', { status: 404, reason: 'not_found' })
    );
    const result = await checkServerExtension(trans);
    expect(result).toMatchObject({ ok: false, problem: 'missing' });
    expect(emit).toHaveBeenCalledTimes(1);
    const [message, type] = emit.mock.calls[0];
    expect(type).toBe('error');
    expect(message).toContain('server extension is not installed');
  });

  it('warns about a mismatched server extension', async () => {
    mocked.getVersion.mockResolvedValue('99.0.0');
    const result = await checkServerExtension(trans);
    expect(result).toMatchObject({
      ok: false,
      problem: 'mismatch',
      detail: '99.0.0'
    });
    const [message, type] = emit.mock.calls[0];
    expect(type).toBe('warning');
    expect(message).toContain('99.0.0');
    expect(message).toContain(VERSION);
  });
});
