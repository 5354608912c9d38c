/**
 * Issue 7's first run: a JupyterLab with no Connect server at all. The person
 * adds one, publishes a notebook with its source, and the success link opens
 * the content. This test starts its own JupyterLab (see
 * jupyter_server_first_run_config.py), whose emulator is running but unlisted.
 */
import { expect, test } from '@jupyterlab/galata';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import {
  PANEL,
  allText,
  contextMenu,
  expectedOutput,
  listServers,
  openContentFrom,
  screenshotPanel,
  successToast,
  uniqueToken,
  uploadNotebook
} from './utils';

const PORT = Number(process.env.FIRST_RUN_PORT || 8890);
const EMULATOR_PORT = Number(process.env.FIRST_RUN_EMULATOR_PORT || 39391);
const DATA = fs.mkdtempSync(path.join(os.tmpdir(), 'rsconnect-lab-first-run-'));
const BASE = `http://localhost:${PORT}`;

function python(): string {
  const venv = path.resolve(__dirname, '..', '..', '.venv', 'bin', 'python');
  return process.env.PYTHON || (fs.existsSync(venv) ? venv : 'python3');
}

async function waitFor(url: string, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer within ${timeout} ms`);
}

let lab: ChildProcess | undefined;

test.use({ baseURL: BASE });

test.beforeAll(async () => {
  lab = spawn(
    python(),
    [
      '-m',
      'jupyterlab',
      '--config',
      path.resolve(__dirname, '..', 'jupyter_server_first_run_config.py')
    ],
    {
      env: {
        ...process.env,
        FIRST_RUN_PORT: String(PORT),
        FIRST_RUN_EMULATOR_PORT: String(EMULATOR_PORT),
        FIRST_RUN_DATA: DATA
      },
      stdio: 'ignore'
    }
  );
  await waitFor(`${BASE}/lab`, 120000);
});

test.afterAll(async () => {
  lab?.kill('SIGTERM');
});

test('first run: no server, add one, publish with source, open the content', async ({
  page,
  tmpPath
}, testInfo) => {
  expect(await listServers(page)).toEqual([]);
  const panel = page.locator(PANEL);
  await page.locator('.jp-SideBar [data-id="rsconnect-lab-panel"]').click();
  await screenshotPanel(page, testInfo, 'panel-first-run');

  const key = fs
    .readFileSync(path.join(DATA, 'emulator', 'admin-key'), 'utf-8')
    .trim();
  await panel.locator('.jp-RSConnect-addServerButton').click();
  const form = panel.locator('form.jp-RSConnect-addServer');
  await form
    .locator('input[name="url"]')
    .fill(`http://127.0.0.1:${EMULATOR_PORT}`);
  await form.locator('input[name="name"]').fill('my-connect');
  await form.locator('input[name="api_key"]').fill(key);
  await form.locator('button[type="submit"]').click();
  const item = panel.locator(
    'li.jp-RSConnect-server[data-server-name="my-connect"]'
  );
  await expect(item).toBeVisible({ timeout: 30000 });
  expect(JSON.stringify(await listServers(page))).not.toContain(key);

  const token = uniqueToken('f');
  const name = 'first-run.ipynb';
  await uploadNotebook(page, tmpPath, name, token);
  await contextMenu(page, name, 'Publish to Connect');
  const publish = panel.locator('.jp-RSConnect-publish');
  await expect(publish.locator('select[name="server"]')).toHaveValue(
    'my-connect'
  );
  await publish.locator('select[name="mode"]').selectOption('source');
  await publish.locator('input[name="title"]').fill(`First run ${token}`);
  await publish.locator('button[type="submit"]').click();

  const toast = successToast(page, name, 'my-connect');
  await expect(toast).toBeVisible({ timeout: 150000 });
  await screenshotPanel(page, testInfo, 'panel-first-run-published');
  const content = await openContentFrom(page, toast);
  await expect
    .poll(() => allText(content), { timeout: 60000 })
    .toContain(expectedOutput(token));
});
