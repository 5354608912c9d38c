/**
 * Galata configuration: Debian's Chromium (no browser download), no video or
 * trace (they need Playwright's own ffmpeg), one worker.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const base = require('@jupyterlab/galata/lib/playwright-config');

// One data directory per run, shared by the Jupyter server (saved servers,
// records, the embedded emulator's state) and the tests (which add emulator
// users with `python -m rsconnect_lab.emulator add-user`). Workers inherit it.
if (!process.env.RSCONNECT_LAB_UI_DATA) {
  process.env.RSCONNECT_LAB_UI_DATA = fs.mkdtempSync(
    path.join(os.tmpdir(), 'rsconnect-lab-ui-')
  );
}

// UI_TESTS_PORT moves JupyterLab off 8888 when another server already uses it.
const port = process.env.UI_TESTS_PORT || '8888';
const baseURL = process.env.TARGET_URL || `http://localhost:${port}`;

module.exports = {
  ...base,
  reporter: [['list']],
  workers: 1,
  // One retry in CI, as Playwright's own template does: a test that passes only on its
  // retry is listed as flaky in the report instead of failing the run.
  retries: process.env.CI ? 1 : 0,
  timeout: 180000,
  expect: { timeout: 30000 },
  outputDir: 'test-results',
  use: {
    ...base.use,
    baseURL,
    browserName: 'chromium',
    headless: true,
    video: 'off',
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    }
  },
  webServer: {
    command: 'jlpm start',
    url: `${baseURL}/lab`,
    timeout: 120000,
    reuseExistingServer: !process.env.CI
  }
};
