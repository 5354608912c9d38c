/**
 * Helpers of the UI tests: notebooks made in the test, emulator users, and the
 * steps a person takes in the "Posit Connect" panel.
 */
import { expect } from '@jupyterlab/galata';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator, Page, TestInfo } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const PANEL = '#rsconnect-lab-panel';

/**
 * A notebook whose output differs from its source, so finding the output on a
 * page proves the notebook ran (`executed` adds the output beforehand, as a
 * person who ran it before publishing a snapshot would have it).
 */
export function notebookWithOutput(token: string, executed = false): string {
  return JSON.stringify({
    cells: [
      {
        cell_type: 'markdown',
        metadata: {},
        source: '# A notebook published by the UI tests'
      },
      {
        cell_type: 'code',
        execution_count: executed ? 1 : null,
        metadata: {},
        outputs: executed
          ? [
              {
                name: 'stdout',
                output_type: 'stream',
                text: [`rendered-${token.toUpperCase()}\n`]
              }
            ]
          : [],
        source: `print("rendered-" + "${token}".upper())`
      }
    ],
    metadata: {
      kernelspec: {
        display_name: 'Python 3 (ipykernel)',
        language: 'python',
        name: 'python3'
      },
      language_info: { name: 'python' }
    },
    nbformat: 4,
    nbformat_minor: 5
  });
}

/** The text a published notebook shows when it ran. */
export function expectedOutput(token: string): string {
  return `rendered-${token.toUpperCase()}`;
}

/** A unique, lowercase token. */
export function uniqueToken(prefix = 'm'): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/**
 * The Python that runs the Jupyter server: $PYTHON, else the repository's
 * .venv, else `python3` on the PATH.
 */
function pythonExecutable(): string {
  const venv = path.resolve(__dirname, '..', '..', '.venv', 'bin', 'python');
  return process.env.PYTHON || (fs.existsSync(venv) ? venv : 'python3');
}

/**
 * Add a user to the embedded emulator and return its API key, with the
 * emulator's own command on the data directory of this run.
 */
export function addEmulatorUser(name: string, role = 'publisher'): string {
  const data = process.env.RSCONNECT_LAB_UI_DATA;
  if (!data) {
    throw new Error(
      'RSCONNECT_LAB_UI_DATA is not set (see playwright.config.js)'
    );
  }
  const python = pythonExecutable();
  return execFileSync(
    python,
    [
      '-m',
      'rsconnect_lab.emulator',
      'add-user',
      name,
      '--role',
      role,
      '--data',
      path.join(data, 'emulator')
    ],
    { encoding: 'utf-8' }
  ).trim();
}

export async function uploadNotebook(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  name: string,
  token: string,
  executed = false
): Promise<string> {
  await page.contents.uploadContent(
    notebookWithOutput(token, executed),
    'text',
    `${tmpPath}/${name}`
  );
  await page.filebrowser.refresh();
  return `${tmpPath}/${name}`;
}

/** Every frame's text of a page (content may be served inside an iframe). */
export async function allText(page: Page): Promise<string> {
  const texts = await Promise.all(
    page.frames().map(frame =>
      frame
        .locator('body')
        .innerText({ timeout: 2000 })
        .catch(() => '')
    )
  );
  return texts.join('\n');
}

/** Where the panel screenshots (light and dark themes, each state) are kept. */
export const ARTIFACTS = path.resolve(
  __dirname,
  '..',
  'artifacts',
  'screenshots'
);

export async function screenshotPanel(
  page: Page,
  testInfo: TestInfo,
  name: string
): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await page.locator(PANEL).screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
  // test-results/ is emptied by the next run; the panel's pictures are also
  // gathered in one folder that survives it (CI keeps that folder).
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.copyFileSync(file, path.join(ARTIFACTS, `${name}.png`));
}

export async function listServers(page: Page): Promise<any[]> {
  const response = await page.request.get('rsconnect-lab/servers');
  expect(response.ok()).toBeTruthy();
  return (await response.json()).servers;
}

export async function listDeployments(
  page: Page,
  filePath: string
): Promise<any[]> {
  const response = await page.request.get(
    `rsconnect-lab/deployments?path=${encodeURIComponent(filePath)}`
  );
  expect(response.ok()).toBeTruthy();
  return (await response.json()).deployments;
}

export async function runFromPalette(page: Page, label: string): Promise<void> {
  await page.keyboard.press('Control+Shift+C');
  const input = page.locator('#modal-command-palette input');
  await input.fill(label);
  await page
    .locator('#modal-command-palette .lm-CommandPalette-item', {
      hasText: label
    })
    .first()
    .click();
}

export function fileItem(page: Page, name: string): Locator {
  return page.locator('.jp-DirListing-item', {
    has: page.locator(`.jp-DirListing-itemText >> text="${name}"`)
  });
}

/** Right-click a file in the file browser and choose a menu entry. */
export async function contextMenu(
  page: Page,
  name: string,
  entry: string
): Promise<void> {
  // The left area may show the Connect panel: bring the file browser back.
  if (!(await page.locator('#filebrowser').isVisible())) {
    await page.locator('.jp-SideBar [data-id="filebrowser"]').click();
  }
  // File-browser commands act on the selection. A right-click selects the item
  // too, but once in a full CI run it left the previous selection in place (the
  // listing re-rendered under it); a left click first makes the selection sure.
  const item = fileItem(page, name);
  await item.click();
  await expect(item).toHaveClass(/jp-mod-selected/);
  await item.click({ button: 'right' });
  await page
    .locator('.lm-Menu-itemLabel', { hasText: new RegExp(`^${entry}$`) })
    .click();
}

/** Open the publish form of a file through its context menu. */
export async function openPublishForm(
  page: Page,
  name: string,
  filePath: string
): Promise<Locator> {
  await contextMenu(page, name, 'Publish to Connect');
  const panel = page.locator(PANEL);
  await expect(panel.locator('.jp-RSConnect-publish')).toHaveAttribute(
    'data-path',
    filePath
  );
  return panel.locator('form.jp-RSConnect-publishForm');
}

/** The success notification of a publish. */
export function successToast(
  page: Page,
  name: string,
  server: string
): Locator {
  return page.locator('.Toastify__toast', {
    hasText: `Published ${name} to ${server}.`
  });
}

/** Click a notification's "Open content" and return the page it opens. */
export async function openContentFrom(
  page: Page,
  toast: Locator
): Promise<Page> {
  const popup = page.context().waitForEvent('page');
  await toast.locator('.jp-toast-button', { hasText: 'Open content' }).click();
  const content = await popup;
  await content.waitForLoadState('domcontentloaded');
  return content;
}

/** Dismiss every notification toast, so the next ones are unambiguous. */
export async function dismissToasts(page: Page): Promise<void> {
  await page.evaluate(() => {
    document
      .querySelectorAll<HTMLButtonElement>(
        '.Toastify__toast .jp-Notification-Toast-Close'
      )
      .forEach(button => button.click());
  });
  await expect(page.locator('.Toastify__toast')).toHaveCount(0);
}

/**
 * Run `body` while a fault is set on the embedded emulator (through its
 * administrator route, with a new administrator's key), and clear it after.
 */
export async function withEmulatorFault(
  page: Page,
  fault: Record<string, unknown>,
  body: () => Promise<void>
): Promise<void> {
  const adminKey = addEmulatorUser(uniqueToken('admin'), 'administrator');
  const local = (await listServers(page)).find(s => s.name === 'local');
  const faults = `${local.url}/__api__/__emulator__/faults`;
  const headers = { Authorization: `Key ${adminKey}` };
  const added = await page.request.post(faults, { headers, data: fault });
  expect(added.ok()).toBeTruthy();
  try {
    await body();
  } finally {
    await page.request.delete(faults, { headers });
  }
}
