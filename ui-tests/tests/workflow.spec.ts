/**
 * The publishing workflow of issue 7, against the embedded Connect emulator:
 * adding a server with a real key, redeploying, a title clash, an HTML
 * snapshot without code, a Dash app, and cancelling a slow deploy.
 */
import { expect, test } from '@jupyterlab/galata';

import {
  PANEL,
  addEmulatorUser,
  allText,
  contextMenu,
  dismissToasts,
  expectedOutput,
  listDeployments,
  listServers,
  openContentFrom,
  openPublishForm,
  screenshotPanel,
  successToast,
  uniqueToken,
  uploadNotebook,
  withEmulatorFault
} from './utils';

const PUBLISH_TIMEOUT = 150000;

test.describe('Publishing workflow', () => {
  test('add a server with a valid key, publish with source, open the content; light and dark', async ({
    page,
    tmpPath
  }, testInfo) => {
    const token = uniqueToken('a');
    const user = `alice${token}`;
    const key = addEmulatorUser(user, 'publisher');
    const local = (await listServers(page)).find(s => s.name === 'local');

    const panel = page.locator(PANEL);
    await page.locator('.jp-SideBar [data-id="rsconnect-lab-panel"]').click();
    await panel.locator('.jp-RSConnect-addServerButton').click();
    const form = panel.locator('form.jp-RSConnect-addServer');
    await form.locator('input[name="url"]').fill(local.url);
    await form.locator('input[name="name"]').fill(user);
    await form.locator('input[name="api_key"]').fill(key);
    await form.locator('button[type="submit"]').click();
    const item = panel.locator(
      `li.jp-RSConnect-server[data-server-name="${user}"]`
    );
    await expect(item).toBeVisible({ timeout: 30000 });
    await expect(item).toContainText(`as ${user}`);
    await expect(form).toHaveCount(0);
    // The key never comes back.
    expect(JSON.stringify(await listServers(page))).not.toContain(key);

    // Verify it, and make it the default server.
    await item.locator('button', { hasText: 'Verify' }).click();
    await expect(item.locator('.jp-RSConnect-status')).toContainText(
      'Connected'
    );
    await item.locator('button', { hasText: 'Make default' }).click();
    await expect(item.locator('.jp-RSConnect-badge')).toHaveText('default');

    const name = 'with-source.ipynb';
    const filePath = await uploadNotebook(page, tmpPath, name, token);
    const publish = await openPublishForm(page, name, filePath);
    await expect(publish.locator('select[name="server"]')).toHaveValue(user);
    await publish.locator('select[name="mode"]').selectOption('source');
    await publish.locator('input[name="title"]').fill(`Source ${token}`);
    await publish.locator('button[type="submit"]').click();

    const toast = successToast(page, name, user);
    await expect(toast).toBeVisible({ timeout: PUBLISH_TIMEOUT });
    await screenshotPanel(page, testInfo, 'panel-light');
    await page.theme.setDarkTheme();
    await screenshotPanel(page, testInfo, 'panel-dark');
    await page.theme.setLightTheme();

    const content = await openContentFrom(page, toast);
    await expect
      .poll(() => allText(content), { timeout: 60000 })
      .toContain(expectedOutput(token));

    // Remove the server again (content stays on Connect); the default returns to local.
    await item.locator('button', { hasText: 'Remove' }).click();
    await page
      .locator('.jp-Dialog .jp-Dialog-button', { hasText: /^Remove$/ })
      .click();
    await expect(item).toHaveCount(0);
    expect((await listServers(page)).map(s => s.name)).not.toContain(user);
    await expect(
      panel.locator(
        'li.jp-RSConnect-server[data-server-name="local"] .jp-RSConnect-badge'
      )
    ).toHaveText('default');
  });

  test('redeploying a notebook updates the same content', async ({
    page,
    tmpPath
  }) => {
    const token = uniqueToken('r');
    const name = 'redeploy.ipynb';
    const filePath = await uploadNotebook(page, tmpPath, name, token);
    const form = await openPublishForm(page, name, filePath);
    await form.locator('select[name="server"]').selectOption('local');
    await form.locator('input[name="title"]').fill(`Redeploy ${token}`);

    // The preview names the environment and the files of the bundle.
    await form.locator('.jp-RSConnect-environment summary').click();
    await expect(form.locator('.jp-RSConnect-files')).toContainText(name, {
      timeout: 60000
    });
    await expect(form.locator('.jp-RSConnect-environment')).toContainText(
      'Python 3.'
    );
    await form.locator('button[type="submit"]').click();
    await expect(successToast(page, name, 'local')).toBeVisible({
      timeout: PUBLISH_TIMEOUT
    });
    const first = await listDeployments(page, filePath);
    expect(first).toHaveLength(1);
    await dismissToasts(page);

    // The form now targets that content: publishing asks before updating it.
    const panel = page.locator(PANEL);
    await expect(panel.locator('.jp-RSConnect-target')).toHaveCount(1);
    await expect(form.locator('select[name="target"]')).toHaveValue(
      first[0].content_guid
    );
    await form.locator('button[type="submit"]').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Update existing content?');
    await dialog.locator('.jp-Dialog-button', { hasText: /^Update$/ }).click();
    await expect(successToast(page, name, 'local')).toBeVisible({
      timeout: PUBLISH_TIMEOUT
    });

    const second = await listDeployments(page, filePath);
    expect(second).toHaveLength(1);
    expect(second[0].content_guid).toBe(first[0].content_guid);
    expect(second[0].content_url).toBe(first[0].content_url);

    // Changing the type of that content is explained before anything is
    // uploaded, and before the "update existing content?" question.
    await form.locator('select[name="mode"]').selectOption('static');
    await form.locator('button[type="submit"]').click();
    await expect(form.locator('.jp-RSConnect-error')).toHaveAttribute(
      'data-reason',
      'app_mode_change'
    );
    // The server's message gives the advice; it is not repeated below it.
    await expect(form.locator('.jp-RSConnect-error')).toContainText(
      /new content/i
    );
    await expect(form.locator('.jp-RSConnect-errorHint')).toHaveCount(0);
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
    expect(await listDeployments(page, filePath)).toEqual(second);
    // One error toast, whose Details has the whole message; trying again
    // replaces it instead of piling up another.
    const errorToast = page.locator('.Toastify__toast', {
      hasText: `Could not publish ${name}`
    });
    await expect(errorToast).toHaveCount(1);
    await form.locator('button[type="submit"]').click();
    await expect(form.locator('.jp-RSConnect-error')).toBeVisible();
    await page.waitForTimeout(500);
    await expect(errorToast).toHaveCount(1);
    await errorToast
      .locator('.jp-toast-button', { hasText: 'Details' })
      .click();
    await expect(page.locator('.jp-Dialog')).toContainText(
      'Connect does not change the type of deployed content'
    );
    await page
      .locator('.jp-Dialog .jp-Dialog-button', { hasText: 'Close' })
      .click();
    await dismissToasts(page);

    // The server's content list has it.
    const local = panel.locator(
      'li.jp-RSConnect-server[data-server-name="local"]'
    );
    await local.locator('button', { hasText: 'Verify' }).click();
    await local.locator('.jp-RSConnect-content summary').click();
    await expect(
      local.locator(`[data-content-guid="${first[0].content_guid}"]`)
    ).toContainText(`Redeploy ${token}`);

    // "Open on Connect" opens that content.
    const popup = page.context().waitForEvent('page');
    await contextMenu(page, name, 'Open on Connect');
    const opened = await popup;
    await opened.waitForLoadState('domcontentloaded');
    expect(opened.url()).toBe(first[0].content_url);
  });

  test('a title clash offers to update the existing content', async ({
    page,
    tmpPath
  }) => {
    const token = uniqueToken('t');
    const title = `Clash ${token}`;
    const firstPath = await uploadNotebook(page, tmpPath, 'first.ipynb', token);
    const secondPath = await uploadNotebook(
      page,
      tmpPath,
      'second.ipynb',
      token
    );

    let form = await openPublishForm(page, 'first.ipynb', firstPath);
    await form.locator('select[name="server"]').selectOption('local');
    await form.locator('input[name="title"]').fill(title);
    await form.locator('button[type="submit"]').click();
    await expect(successToast(page, 'first.ipynb', 'local')).toBeVisible({
      timeout: PUBLISH_TIMEOUT
    });
    const [first] = await listDeployments(page, firstPath);
    await dismissToasts(page);

    form = await openPublishForm(page, 'second.ipynb', secondPath);
    await form.locator('select[name="server"]').selectOption('local');
    // "New content" chosen explicitly still hears of the clash: no duplicate by accident.
    await form.locator('select[name="target"]').selectOption('new');
    await form.locator('input[name="title"]').fill(title);
    await form.locator('button[type="submit"]').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Content with this title exists');
    await dialog
      .locator('.jp-Dialog-button', { hasText: /^Update it$/ })
      .click();
    await expect(successToast(page, 'second.ipynb', 'local')).toBeVisible({
      timeout: PUBLISH_TIMEOUT
    });
    const [second] = await listDeployments(page, secondPath);
    expect(second.content_guid).toBe(first.content_guid);
  });

  test('an HTML snapshot with hidden input shows the output and no code', async ({
    page,
    tmpPath
  }) => {
    const token = uniqueToken('h');
    const name = 'snapshot.ipynb';
    const filePath = await uploadNotebook(page, tmpPath, name, token, true);
    const form = await openPublishForm(page, name, filePath);
    await form.locator('select[name="server"]').selectOption('local');
    await form.locator('select[name="mode"]').selectOption('static');
    await form.locator('select[name="hide_input"]').selectOption('all');
    await form.locator('input[name="title"]').fill(`Snapshot ${token}`);
    // An environment variable goes with the publish, and is not kept.
    await form.locator('button', { hasText: 'Add variable' }).click();
    await form.getByLabel('Variable name').fill('GREETING');
    await form.getByLabel('Variable value').fill(`secret-${token}`);
    await form.locator('button[type="submit"]').click();
    const toast = successToast(page, name, 'local');
    await expect(toast).toBeVisible({ timeout: PUBLISH_TIMEOUT });
    await expect(form.getByLabel('Variable name')).toHaveCount(0);

    const [deployment] = await listDeployments(page, filePath);
    expect(deployment.hide_input).toBe('all');
    expect(JSON.stringify(deployment)).not.toContain(`secret-${token}`);
    // The form now targets that content, and an update keeps the code hidden.
    await expect(form.locator('select[name="target"]')).toHaveValue(
      deployment.content_guid
    );
    await expect(form.locator('select[name="hide_input"]')).toHaveValue('all');
    const adminKey = addEmulatorUser(`admin${token}`, 'administrator');
    const local = (await listServers(page)).find(s => s.name === 'local');
    const environment = await page.request.get(
      `${local.url}/__api__/v1/content/${deployment.content_guid}/environment`,
      { headers: { Authorization: `Key ${adminKey}` } }
    );
    expect(environment.ok()).toBeTruthy();
    expect(JSON.stringify(await environment.json())).toContain('GREETING');

    const content = await openContentFrom(page, toast);
    await expect
      .poll(() => allText(content), { timeout: 60000 })
      .toContain(expectedOutput(token));
    const text = await allText(content);
    expect(text).not.toContain('.upper()');
    expect(text).not.toContain('print(');
  });

  test('a Dash app is published from the right-click menu on app.py', async ({
    page,
    tmpPath
  }, testInfo) => {
    const token = uniqueToken('d');
    await page.contents.uploadContent(
      [
        'from dash import Dash, html',
        '',
        'app = Dash(__name__)',
        `app.layout = html.Div([html.H1("dash-" + "${token}".upper())])`,
        'server = app.server',
        ''
      ].join('\n'),
      'text',
      `${tmpPath}/app.py`
    );
    await page.filebrowser.refresh();
    const form = await openPublishForm(page, 'app.py', `${tmpPath}/app.py`);
    await form.locator('select[name="server"]').selectOption('local');
    await form.locator('select[name="app_mode"]').selectOption('python-dash');
    await form.locator('input[name="title"]').fill(`Dash ${token}`);
    await screenshotPanel(page, testInfo, 'panel-dash-app-form');
    await form.locator('button[type="submit"]').click();
    const toast = successToast(page, 'app.py', 'local');
    await expect(toast).toBeVisible({ timeout: PUBLISH_TIMEOUT });
    const [deployment] = await listDeployments(page, `${tmpPath}/app.py`);
    expect(deployment.app_mode).toBe('python-dash');

    const content = await openContentFrom(page, toast);
    await expect
      .poll(() => allText(content), { timeout: 90000 })
      .toContain(`dash-${token.toUpperCase()}`);
  });

  test('a slow deploy can be cancelled', async ({ page, tmpPath }) => {
    const token = uniqueToken('c');
    // Every poll of the deploy task now takes seconds.
    await withEmulatorFault(
      page,
      { route: 'GET /__api__/v1/tasks/*', delay: 3 },
      async () => {
        const name = 'slow.ipynb';
        const filePath = await uploadNotebook(page, tmpPath, name, token);
        const form = await openPublishForm(page, name, filePath);
        await form.locator('select[name="server"]').selectOption('local');
        await form.locator('input[name="title"]').fill(`Slow ${token}`);
        await form.locator('button[type="submit"]').click();

        const panel = page.locator(PANEL);
        await expect(
          panel.locator('.jp-RSConnect-step[data-step="deploy"].jp-mod-running')
        ).toBeVisible({ timeout: 60000 });
        await panel.locator('.jp-RSConnect-cancel').click();
        await expect(
          panel.locator('.jp-RSConnect-job[data-state="cancelled"]')
        ).toBeVisible({ timeout: 30000 });
        await expect(
          page.locator('.Toastify__toast', { hasText: 'was cancelled' })
        ).toBeVisible();
        expect(await listDeployments(page, filePath)).toHaveLength(0);
      }
    );
  });

  test('a failed deploy says what went wrong, with the log, and records nothing', async ({
    page,
    tmpPath
  }, testInfo) => {
    const token = uniqueToken('f');
    // The next deploy task ends with an error.
    await withEmulatorFault(
      page,
      { route: 'deploy', fail_task: true, count: 1 },
      async () => {
        const name = 'failing.ipynb';
        const filePath = await uploadNotebook(page, tmpPath, name, token);
        const form = await openPublishForm(page, name, filePath);
        await form.locator('select[name="server"]').selectOption('local');
        await form.locator('input[name="title"]').fill(`Failing ${token}`);
        await form.locator('button[type="submit"]').click();

        const toast = page.locator('.Toastify__toast', {
          hasText: `Publishing ${name} failed`
        });
        await expect(toast).toBeVisible({ timeout: PUBLISH_TIMEOUT });
        const panel = page.locator(PANEL);
        await expect(
          panel.locator('.jp-RSConnect-job[data-state="failed"]')
        ).toBeVisible();
        await expect(
          panel.locator('.jp-RSConnect-step.jp-mod-failed')
        ).toHaveCount(1);
        await screenshotPanel(page, testInfo, 'panel-failed');
        // The message wraps inside the panel instead of spilling sideways.
        const jobError = panel.locator('.jp-RSConnect-jobError');
        await expect(jobError).toBeVisible();
        const overflow = await panel
          .locator('.jp-RSConnect-section')
          .last()
          .evaluate(node => node.scrollWidth - node.clientWidth);
        expect(overflow).toBeLessThanOrEqual(1);
        // The notification says it in one line; Details has the rest.
        expect((await toast.innerText()).split('\n')[0].length).toBeLessThan(
          260
        );

        await toast.locator('.jp-toast-button', { hasText: 'Details' }).click();
        const dialog = page.locator('.jp-Dialog');
        await expect(
          dialog.locator('.jp-RSConnect-errorMessage')
        ).not.toBeEmpty();
        await expect(dialog.locator('.jp-RSConnect-log')).not.toBeEmpty();
        await page.screenshot({
          path: testInfo.outputPath('failure-details.png')
        });
        await dialog.locator('.jp-Dialog-button', { hasText: 'Close' }).click();

        expect(await listDeployments(page, filePath)).toHaveLength(0);
      }
    );
  });

  test('open on Connect and write manifest from the right-click menu', async ({
    page,
    tmpPath
  }) => {
    const token = uniqueToken('o');
    const name = 'manifest.ipynb';
    await uploadNotebook(page, tmpPath, name, token);
    await contextMenu(page, name, 'Write manifest for git publishing');
    await expect(
      page.locator('.Toastify__toast', { hasText: 'manifest.json' })
    ).toBeVisible({ timeout: 60000 });
    await page.filebrowser.refresh();
    await expect(
      page.locator('.jp-DirListing-itemText', { hasText: 'manifest.json' })
    ).toBeVisible();

    await contextMenu(page, name, 'Open on Connect');
    await expect(
      page.locator('.Toastify__toast', {
        hasText: 'has not been published to Connect yet'
      })
    ).toBeVisible();
  });
});
