/**
 * What a person does with rsconnect-lab, against the Connect emulator that the
 * server extension embeds in this Jupyter server (registered as `local`, see
 * jupyter_server_test_config.py).
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator, Page, TestInfo } from '@playwright/test';

const PANEL = '#rsconnect-lab-panel';

/** A notebook whose output differs from its source, so finding it proves it ran. */
function notebookWithOutput(token: string): string {
  return JSON.stringify({
    cells: [
      {
        cell_type: 'markdown',
        metadata: {},
        source: '# A notebook published by the UI tests'
      },
      {
        cell_type: 'code',
        execution_count: null,
        metadata: {},
        outputs: [],
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

/** Every frame's text of a page (content may be served inside an iframe). */
async function allText(page: Page): Promise<string> {
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

async function screenshotPanel(
  page: Page,
  testInfo: TestInfo,
  name: string
): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.locator(PANEL).screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

async function listServers(page: Page): Promise<any[]> {
  const response = await page.request.get('rsconnect-lab/servers');
  expect(response.ok()).toBeTruthy();
  return (await response.json()).servers;
}

async function runFromPalette(page: Page, label: string): Promise<void> {
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

function fileItem(page: Page, name: string): Locator {
  return page.locator('.jp-DirListing-item', {
    has: page.locator(`.jp-DirListing-itemText >> text="${name}"`)
  });
}

test.describe('Publishing to Posit Connect', () => {
  test('right-click a notebook, publish it with source to the emulator, open the content', async ({
    page,
    tmpPath
  }, testInfo) => {
    const token = `m${Date.now().toString(36)}`;
    const expected = `rendered-${token.toUpperCase()}`;
    const name = 'publish-me.ipynb';
    await page.contents.uploadContent(
      notebookWithOutput(token),
      'text',
      `${tmpPath}/${name}`
    );
    await page.filebrowser.refresh();

    // The handshake found the server extension: no error notification.
    await expect(page.locator('.jp-Notification-Toast-error')).toHaveCount(0);

    await fileItem(page, name).click({ button: 'right' });
    await page
      .locator('.lm-Menu-itemLabel', { hasText: /^Publish to Connect$/ })
      .click();

    const panel = page.locator(PANEL);
    await expect(panel).toBeVisible();
    await expect(panel.locator('.jp-RSConnect-publish')).toHaveAttribute(
      'data-path',
      `${tmpPath}/${name}`
    );
    await expect(
      panel.locator('li.jp-RSConnect-server[data-server-name="local"]')
    ).toBeVisible();

    const form = panel.locator('form.jp-RSConnect-publishForm');
    await form.locator('select[name="server"]').selectOption('local');
    await form.locator('select[name="mode"]').selectOption('source');
    await form.locator('input[name="title"]').fill(`UI test ${token}`);
    await screenshotPanel(page, testInfo, 'panel-publish-form');

    await form.locator('button[type="submit"]').click();

    const toast = page.locator('.Toastify__toast', {
      hasText: `Published ${name} to local.`
    });
    await expect(toast).toBeVisible({ timeout: 150000 });
    await expect(
      panel.locator('.jp-RSConnect-job[data-state="succeeded"]')
    ).toBeVisible();
    await expect(panel.locator('.jp-RSConnect-log')).not.toBeEmpty();
    await screenshotPanel(page, testInfo, 'panel-published');

    const popup = page.context().waitForEvent('page');
    await toast
      .locator('.jp-toast-button', { hasText: 'Open content' })
      .click();
    const content = await popup;
    await content.waitForLoadState('domcontentloaded');
    await expect
      .poll(() => allText(content), { timeout: 60000 })
      .toContain(expected);
    await content.screenshot({ path: testInfo.outputPath('content-page.png') });

    // The deployment is now a target of the notebook.
    await expect(panel.locator('.jp-RSConnect-target')).toHaveCount(1);
  });

  test('adding a server with a wrong API key shows a clear error and saves nothing', async ({
    page
  }, testInfo) => {
    const before = await listServers(page);
    const local = before.find(s => s.name === 'local');
    expect(
      local,
      'the embedded emulator is registered as "local"'
    ).toBeTruthy();

    await runFromPalette(page, 'Add Connect server');
    const panel = page.locator(PANEL);
    const form = panel.locator('form.jp-RSConnect-addServer');
    await expect(form).toBeVisible();
    await expect(form.locator('input[name="url"]')).toBeFocused();

    await form.locator('input[name="url"]').fill(local.url);
    await form.locator('input[name="name"]').fill('wrong-key');
    await form.locator('input[name="api_key"]').fill('not-a-real-api-key');
    await form.locator('button[type="submit"]').click();

    const error = form.locator('.jp-RSConnect-error');
    await expect(error).toBeVisible({ timeout: 30000 });
    await expect(error).toHaveAttribute('data-reason', 'invalid_api_key');
    await expect(error.locator('.jp-RSConnect-errorMessage')).not.toBeEmpty();
    await screenshotPanel(page, testInfo, 'panel-wrong-api-key');

    // Nothing saved: neither in the list nor on the server.
    await expect(
      panel.locator('li.jp-RSConnect-server[data-server-name="wrong-key"]')
    ).toHaveCount(0);
    const after = await listServers(page);
    expect(after.map(s => s.name)).not.toContain('wrong-key');
    expect(JSON.stringify(after)).not.toContain('not-a-real-api-key');
  });

  test('the notebook toolbar button opens the publish form for that notebook', async ({
    page,
    tmpPath
  }) => {
    const name = 'toolbar.ipynb';
    await page.contents.uploadContent(
      notebookWithOutput('toolbar'),
      'text',
      `${tmpPath}/${name}`
    );
    await page.filebrowser.refresh();
    await page.filebrowser.open(name);
    await page.waitForSelector(
      '.jp-NotebookPanel-toolbar [data-jp-item-name="rsconnect-lab-publish"]'
    );
    await page
      .locator(
        '.jp-NotebookPanel-toolbar [data-jp-item-name="rsconnect-lab-publish"] button'
      )
      .click();
    await expect(
      page.locator(`${PANEL} .jp-RSConnect-publish`)
    ).toHaveAttribute('data-path', `${tmpPath}/${name}`);
  });
});
