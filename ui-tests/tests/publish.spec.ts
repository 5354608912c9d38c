/**
 * What a person does with rsconnect-lab, against the Connect emulator that the
 * server extension embeds in this Jupyter server (registered as `local`, see
 * jupyter_server_test_config.py).
 */
import { expect, test } from '@jupyterlab/galata';

import {
  PANEL,
  allText,
  contextMenu,
  expectedOutput,
  listServers,
  openContentFrom,
  runFromPalette,
  screenshotPanel,
  successToast,
  uniqueToken,
  uploadNotebook
} from './utils';

test.describe('Publishing to Posit Connect', () => {
  test('right-click a notebook, publish it with source to the emulator, open the content', async ({
    page,
    tmpPath
  }, testInfo) => {
    const token = uniqueToken('m');
    const name = 'publish-me.ipynb';
    // No outputs saved in it: the output on the content page comes from running it.
    await uploadNotebook(page, tmpPath, name, token);

    // The handshake found the server extension: no error notification.
    await expect(page.locator('.jp-Notification-Toast-error')).toHaveCount(0);

    await contextMenu(page, name, 'Publish to Connect');

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

    const toast = successToast(page, name, 'local');
    await expect(toast).toBeVisible({ timeout: 150000 });
    await expect(
      panel.locator('.jp-RSConnect-job[data-state="succeeded"]')
    ).toBeVisible();
    await expect(panel.locator('.jp-RSConnect-log')).not.toBeEmpty();
    // Seven steps, the last one making the new version live.
    await expect(panel.locator('.jp-RSConnect-step')).toHaveCount(7);
    await expect(
      panel.locator('.jp-RSConnect-step[data-step="activate"]')
    ).toContainText('Making it live');
    // Long names and step details wrap: nothing spills out of the panel sideways.
    const overflow = await panel
      .locator('.jp-RSConnect-section')
      .last()
      .evaluate(node => node.scrollWidth - node.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await screenshotPanel(page, testInfo, 'panel-published');

    const content = await openContentFrom(page, toast);
    await expect
      .poll(() => allText(content), { timeout: 60000 })
      .toContain(expectedOutput(token));
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

    // Keyboard only: type, Tab to the next field, Enter submits.
    await page.keyboard.type(local.url);
    await page.keyboard.press('Tab');
    await expect(form.locator('input[name="name"]')).toBeFocused();
    await page.keyboard.type('wrong-key');
    await page.keyboard.press('Tab');
    await expect(form.locator('input[name="api_key"]')).toBeFocused();
    await page.keyboard.type('not-a-real-api-key');
    await page.keyboard.press('Enter');

    const error = form.locator('.jp-RSConnect-error');
    await expect(error).toBeVisible({ timeout: 30000 });
    await expect(error).toHaveAttribute('data-reason', 'invalid_api_key');
    await expect(error.locator('.jp-RSConnect-errorMessage')).not.toBeEmpty();
    await screenshotPanel(page, testInfo, 'panel-wrong-api-key');
    // The Servers section grows with the form and its error (no small scroll
    // box), and the error is in view.
    await expect
      .poll(() =>
        panel
          .locator('.jp-RSConnect-section')
          .first()
          .evaluate(node => node.clientHeight)
      )
      .toBeGreaterThan(300);
    await expect(error.locator('.jp-RSConnect-errorMessage')).toBeInViewport();

    // The command again, with the form already open: the focus goes back to the URL.
    await form.locator('input[name="name"]').focus();
    await runFromPalette(page, 'Add Connect server');
    await expect(form.locator('input[name="url"]')).toBeFocused();

    // Escape closes the form, and the keyboard focus is back on "Add server".
    await page.keyboard.press('Escape');
    await expect(form).toHaveCount(0);
    await expect(panel.locator('.jp-RSConnect-addServerButton')).toBeFocused();

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
  }, testInfo) => {
    const name = 'toolbar.ipynb';
    await uploadNotebook(page, tmpPath, name, 'toolbar');
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
    // The keyboard focus lands in the form, on its first field.
    await expect(
      page.locator(
        `${PANEL} form.jp-RSConnect-publishForm select[name="server"]`
      )
    ).toBeFocused();
    await page.screenshot({
      path: testInfo.outputPath('notebook-and-panel.png')
    });
  });
});

test.describe('Sidebar', () => {
  test('the Posit Connect panel has its icon and is restored on reload', async ({
    page
  }) => {
    const tab = page.locator('.jp-SideBar [data-id="rsconnect-lab-panel"]');
    await expect(tab.locator('svg')).toBeVisible();
    await expect(tab).toHaveAttribute('title', 'Posit Connect');
    // The layout is saved in the (test's in-memory) workspace once the panel opens.
    const saved = page.waitForRequest(
      request =>
        /\/api\/workspaces/.test(request.url()) && request.method() === 'PUT'
    );
    await tab.click();
    await expect(page.locator(PANEL)).toBeVisible();
    await saved;
    // Load JupyterLab again, on /lab (a /lab/tree/... URL would show the file browser).
    await page.goto();
    await expect(page.locator(PANEL)).toBeVisible();
    await expect(
      page.locator(`${PANEL} li.jp-RSConnect-server[data-server-name="local"]`)
    ).toBeVisible();
  });
});

test.describe('Version handshake', () => {
  test('a missing server extension is named clearly, in a notification and the panel', async ({
    page
  }) => {
    await page.route(/\/rsconnect-lab\/version/, route =>
      route.fulfill({ status: 404, body: 'Not Found' })
    );
    await page.goto();
    await expect(
      page.locator('.Toastify__toast', {
        hasText: 'server extension is not installed or not enabled'
      })
    ).toBeVisible();
    await page.locator('.jp-SideBar [data-id="rsconnect-lab-panel"]').click();
    await expect(
      page.locator(
        `${PANEL} .jp-RSConnect-error[data-reason="extension_missing"]`
      )
    ).toBeVisible();
  });

  test('a server extension of another version is named', async ({ page }) => {
    await page.route(/\/rsconnect-lab\/version/, route =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ version: '99.0.0' })
      })
    );
    await page.goto();
    await expect(
      page.locator('.Toastify__toast', { hasText: 'versions differ' })
    ).toContainText('99.0.0');
  });
});
