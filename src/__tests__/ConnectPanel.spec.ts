/** The height of the Servers section: its content's, capped for the Publish section. */
jest.mock('@jupyterlab/apputils', () => ({
  Dialog: {},
  Notification: {},
  ReactWidget: class {},
  showDialog: jest.fn()
}));

import { serversHeight } from '../components/ConnectPanel';

describe('serversHeight', () => {
  it('is the content height when that fits', () => {
    expect(serversHeight(160, 750)).toBe(160);
    expect(serversHeight(59.2, 750)).toBe(60);
  });

  it('leaves the Publish section its room, at least half the panel', () => {
    // A long list or the add-server form: all but 240 px, and it scrolls.
    expect(serversHeight(900, 750)).toBe(510);
    // A short window: half of it.
    expect(serversHeight(900, 400)).toBe(200);
  });
});
