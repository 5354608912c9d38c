/** Pure helpers: version handshake, title clashes, step labels, record servers. */

// The helpers under test do not touch dialogs or notifications.
jest.mock('@jupyterlab/apputils', () => ({
  Dialog: {},
  Notification: {},
  showDialog: jest.fn()
}));

import { ApiError } from '../api';
import { releaseOf } from '../handshake';
import { deploymentServer } from '../model';
import { isTitleClash, stepLabel } from '../publish';
import { VERSION } from '../version';

import { trans } from './support/trans';

/** Like nullTranslator: the English text with %1, %2, ... filled in. */

describe('helpers', () => {
  it('reads its version from package.json', () => {
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('compares releases, not pre-release spellings', () => {
    expect(releaseOf('0.1.0')).toBe('0.1.0');
    expect(releaseOf('0.1.0a1')).toBe('0.1.0');
    expect(releaseOf('0.1.0-alpha.1')).toBe('0.1.0');
    expect(releaseOf('1.2')).toBe('1.2.0');
  });

  it('recognises a title clash only with the matching content', () => {
    const clash = new ApiError('taken', {
      status: 409,
      reason: 'title_conflict',
      body: { matches: [{ guid: 'g1', title: 'Report' }] }
    });
    expect(isTitleClash(clash)).toBe(true);
    const busy = new ApiError('already publishing', {
      status: 409,
      reason: 'conflict',
      body: { job: 'j1' }
    });
    expect(isTitleClash(busy)).toBe(false);
    expect(isTitleClash(new Error('x'))).toBe(false);
  });

  it('labels the steps the server reports, and passes unknown ones through', () => {
    expect(stepLabel('upload', trans)).toBe('uploading the bundle');
    expect(stepLabel(null, trans)).toBe('starting');
    expect(stepLabel('something-new', trans)).toBe('something-new');
  });

  it('finds the server of a record by name, then by URL', () => {
    const servers = [
      { name: 'local', url: 'http://127.0.0.1:3939', source: 'saved' },
      { name: 'prod', url: 'https://connect.example.com', source: 'saved' }
    ];
    expect(
      deploymentServer(
        { server_name: 'prod', server_url: 'https://connect.example.com' },
        servers
      )
    ).toBe('prod');
    expect(
      deploymentServer(
        { server_name: null, server_url: 'https://connect.example.com/' },
        servers
      )
    ).toBe('prod');
    expect(
      deploymentServer({ server_url: 'https://elsewhere.example.com' }, servers)
    ).toBe('https://elsewhere.example.com');
  });
});
