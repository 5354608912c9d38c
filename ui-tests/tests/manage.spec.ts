/**
 * Managing what is published: deleting content from "Your content", a
 * deployment whose server was removed, and the publish form fitting the sidebar.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';

import {
  PANEL,
  addEmulatorUser,
  contextMenu,
  dismissToasts,
  listDeployments,
  listServers,
  openPublishForm,
  screenshotPanel,
  successToast,
  uniqueToken,
  uploadNotebook
} from './utils';

const PUBLISH_TIMEOUT = 150000;

/** How far each part of the panel scrolls sideways (0 when everything fits). */
async function sidewaysOverflow(page: Page): Promise<number[]> {
  return page.locator(PANEL).evaluate(panel => {
    const nodes = [
      panel as HTMLElement,
      ...Array.from(
        panel.querySelectorAll<HTMLElement>('.jp-RSConnect-section')
      )
    ];
    return nodes.map(node => node.scrollWidth - node.clientWidth);
  });
}

/** Drag the left sidebar's edge until the Connect panel is `width` px wide. */
async function setSidebarWidth(page: Page, width: number): Promise<void> {
  const panel = page.locator(PANEL);
  const box = (await panel.boundingBox())!;
  const handle = page
    .locator('#jp-main-split-panel > .lm-SplitPanel-handle')
    .first();
  const grip = (await handle.boundingBox())!;
  const x = grip.x + grip.width / 2;
  const y = grip.y + grip.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + (width - box.width), y, { steps: 5 });
  await page.mouse.up();
  await expect
    .poll(async () => Math.round((await panel.boundingBox())!.width))
    .toBeGreaterThanOrEqual(width - 4);
  expect(Math.round((await panel.boundingBox())!.width)).toBeLessThanOrEqual(
    width + 4
  );
}

/** Publish the form as it is and wait for the success notification. */
async function publish(
  page: Page,
  form: Locator,
  name: string,
  server: string
): Promise<void> {
  await form.locator('button[type="submit"]').click();
  await expect(successToast(page, name, server)).toBeVisible({
    timeout: PUBLISH_TIMEOUT
  });
  await dismissToasts(page);
}

test.describe('Managing content', () => {
  test('delete content from "Your content": gone on Connect and from the deployments', async ({
    page,
    tmpPath
  }, testInfo) => {
    const token = uniqueToken('x');
    const title = `Delete me ${token}`;
    const name = 'delete-me.ipynb';
    const filePath = await uploadNotebook(page, tmpPath, name, token);
    const form = await openPublishForm(page, name, filePath);
    await form.locator('select[name="server"]').selectOption('local');
    await form.locator('input[name="title"]').fill(title);
    await publish(page, form, name, 'local');
    const [deployment] = await listDeployments(page, filePath);
    const guid = deployment.content_guid;

    const panel = page.locator(PANEL);
    const local = panel.locator(
      'li.jp-RSConnect-server[data-server-name="local"]'
    );
    await local.locator('.jp-RSConnect-content summary').click();
    await local.locator('input[type="search"]').fill(token);
    const item = local.locator(`[data-content-guid="${guid}"]`);
    await expect(item).toContainText(title);
    await expect(local.locator('.jp-RSConnect-contentItem')).toHaveCount(1);
    await screenshotPanel(page, testInfo, 'your-content');

    await item.locator('.jp-RSConnect-deleteContent').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(title);
    await expect(dialog).toContainText('local');
    await expect(dialog).toContainText('cannot be undone');
    await dialog.locator('.jp-Dialog-button', { hasText: /^Delete$/ }).click();

    await expect(
      page.locator('.Toastify__toast', { hasText: `Deleted "${title}"` })
    ).toBeVisible();
    await expect(item).toHaveCount(0);
    // The file's record of it is forgotten: nothing to redeploy.
    await expect(panel.locator('.jp-RSConnect-noTargets')).toBeVisible();
    expect(await listDeployments(page, filePath)).toHaveLength(0);

    // Gone on Connect too.
    const adminKey = addEmulatorUser(`admin${token}`, 'administrator');
    const server = (await listServers(page)).find(s => s.name === 'local');
    const answer = await page.request.get(
      `${server.url}/__api__/v1/content/${guid}`,
      { headers: { Authorization: `Key ${adminKey}` } }
    );
    expect(answer.status()).toBe(404);
  });

  test('redeploying a deployment whose server was removed asks to add it again', async ({
    page,
    tmpPath
  }) => {
    const token = uniqueToken('p');
    const user = `pat${token}`;
    const key = addEmulatorUser(user, 'publisher');
    const local = (await listServers(page)).find(s => s.name === 'local');
    const name = 'orphan.ipynb';
    const filePath = await uploadNotebook(page, tmpPath, name, token);
    const panel = page.locator(PANEL);

    // Saved with the publisher's key, beside the embedded "local".
    const added = await page.request.post('rsconnect-lab/servers', {
      data: { name: user, url: local.url, api_key: key }
    });
    expect(added.status()).toBe(201);

    // Published once to local, then to the publisher's server.
    const form = await openPublishForm(page, name, filePath);
    await panel.getByLabel('Reload the server list').click();
    await expect(
      panel.locator(`li.jp-RSConnect-server[data-server-name="${user}"]`)
    ).toBeVisible();
    await form.locator('select[name="server"]').selectOption('local');
    await form.locator('input[name="title"]').fill(`Local ${token}`);
    await publish(page, form, name, 'local');
    await form.locator('select[name="server"]').selectOption(user);
    await expect(form.locator('select[name="target"]')).toHaveValue('new');
    await form.locator('input[name="title"]').fill(`Pat ${token}`);
    await publish(page, form, name, user);
    const records = await listDeployments(page, filePath);
    const pat = records.find(d => d.title === `Pat ${token}`);
    expect(pat).toBeTruthy();

    // The publisher's server is removed; its deployment is still listed.
    const item = panel.locator(
      `li.jp-RSConnect-server[data-server-name="${user}"]`
    );
    await item.locator('button', { hasText: 'Remove' }).click();
    await page
      .locator('.jp-Dialog .jp-Dialog-button', { hasText: /^Remove$/ })
      .click();
    await expect(item).toHaveCount(0);
    const target = panel.locator(
      `.jp-RSConnect-target[data-content-guid="${pat.content_guid}"]`
    );
    await target.locator('button', { hasText: 'Redeploy' }).click();

    // Said plainly; no other content is selected, and nothing can be published.
    const warning = form.locator('.jp-RSConnect-missingServer');
    await expect(warning).toContainText(`"${user}"`);
    await expect(warning).toContainText('no longer saved');
    await expect(form.locator('select[name="server"]')).toHaveValue(user);
    await expect(form.locator('select[name="target"]')).toHaveValue(
      pat.content_guid
    );
    await expect(form.locator('input[name="title"]')).toHaveValue(
      `Pat ${token}`
    );
    await expect(form.locator('button[type="submit"]')).toBeDisabled();

    // "Add it again": the add form comes with its URL and nickname; the key is asked.
    await warning.locator('button', { hasText: 'again' }).click();
    const addForm = panel.locator('form.jp-RSConnect-addServer');
    await expect(addForm.locator('input[name="url"]')).toHaveValue(
      pat.server_url
    );
    await expect(addForm.locator('input[name="name"]')).toHaveValue(user);
    await expect(addForm.locator('input[name="api_key"]')).toBeFocused();
    await page.keyboard.type(key);
    await page.keyboard.press('Enter');
    await expect(addForm).toHaveCount(0, { timeout: 30000 });
    await expect(panel.locator('.jp-RSConnect-addServerButton')).toBeFocused();

    // Now the redeploy updates that same content.
    await expect(warning).toHaveCount(0);
    await expect(form.locator('select[name="server"]')).toHaveValue(user);
    await expect(form.locator('select[name="target"]')).toHaveValue(
      pat.content_guid
    );
    await form.locator('button[type="submit"]').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(`Pat ${token}`);
    await dialog.locator('.jp-Dialog-button', { hasText: /^Update$/ }).click();
    await expect(successToast(page, name, user)).toBeVisible({
      timeout: PUBLISH_TIMEOUT
    });
    const after = await listDeployments(page, filePath);
    expect(after.filter(d => d.content_guid === pat.content_guid)).toHaveLength(
      1
    );
    await dismissToasts(page);

    // With two deployments, "Open on Connect" asks which one to open.
    const popup = page.context().waitForEvent('page');
    await contextMenu(page, name, 'Open on Connect');
    const choice = page.locator('.jp-Dialog');
    await expect(choice).toContainText('Which one do you want to open?');
    await choice
      .locator('select')
      .selectOption({ label: `Pat ${token} · ${user}` });
    await choice.locator('.jp-Dialog-button', { hasText: /^Open$/ }).click();
    const opened = await popup;
    await opened.waitForLoadState('domcontentloaded');
    expect(opened.url()).toBe(pat.content_url);
  });

  test('an environment variable row fits the sidebar, light and dark', async ({
    page,
    tmpPath
  }, testInfo) => {
    const name = 'env-row.ipynb';
    const filePath = await uploadNotebook(page, tmpPath, name, 'envrow');
    const form = await openPublishForm(page, name, filePath);
    await setSidebarWidth(page, 280);
    // Everything that can widen the panel is open: content list, preview, a variable.
    const local = page.locator(
      `${PANEL} li.jp-RSConnect-server[data-server-name="local"]`
    );
    await local.locator('.jp-RSConnect-content summary').click();
    await expect(local.locator('input[type="search"]')).toBeVisible();
    await form.locator('.jp-RSConnect-environment summary').click();
    await expect(form.locator('.jp-RSConnect-files')).toContainText(name, {
      timeout: 60000
    });
    await form.locator('button', { hasText: 'Add variable' }).click();
    await form
      .getByLabel('Variable name')
      .fill('A_RATHER_LONG_ENVIRONMENT_VARIABLE_NAME');
    await form.getByLabel('Variable value').fill('value');

    for (const theme of ['light', 'dark']) {
      if (theme === 'dark') {
        await page.theme.setDarkTheme();
      }
      const panel = page.locator(PANEL);
      const box = (await panel.boundingBox())!;
      for (const part of [
        form.locator('.jp-RSConnect-envVars'),
        form.getByLabel('Variable value'),
        form.getByLabel(/^Remove variable/)
      ]) {
        const rect = (await part.boundingBox())!;
        expect(rect.x).toBeGreaterThanOrEqual(box.x);
        expect(rect.x + rect.width).toBeLessThanOrEqual(box.x + box.width + 1);
      }
      for (const overflow of await sidewaysOverflow(page)) {
        expect(overflow).toBeLessThanOrEqual(0);
      }
      await screenshotPanel(page, testInfo, `env-row-${theme}`);
    }
    await page.theme.setLightTheme();

    // The preview follows the form: an HTML snapshot publishes the HTML only.
    await form.locator('select[name="mode"]').selectOption('static');
    const preview = form.locator('.jp-RSConnect-environment');
    await expect(preview).toContainText('only the HTML is published', {
      timeout: 60000
    });
    await expect(preview.locator('.jp-RSConnect-files')).toContainText(
      'env-row.html'
    );
    await expect(preview.locator('.jp-RSConnect-packages')).toHaveCount(0);
    await expect(preview).toContainText('before compression');
  });

  test('a viewer key is added with its role and a warning; publishing to it is disabled', async ({
    page,
    tmpPath
  }) => {
    const token = uniqueToken('v');
    const user = `vera${token}`;
    const key = addEmulatorUser(user, 'viewer');
    const local = (await listServers(page)).find(s => s.name === 'local');
    const name = 'viewer.ipynb';
    const filePath = await uploadNotebook(page, tmpPath, name, token);
    const form = await openPublishForm(page, name, filePath);

    const panel = page.locator(PANEL);
    await panel.locator('.jp-RSConnect-addServerButton').click();
    const addForm = panel.locator('form.jp-RSConnect-addServer');
    // No scheme: the server tries https, then http.
    await addForm
      .locator('input[name="url"]')
      .fill(local.url.replace(/^http:\/\//, ''));
    await addForm.locator('input[name="name"]').fill(user);
    await addForm.locator('input[name="api_key"]').fill(key);
    await addForm.locator('button[type="submit"]').click();
    const item = panel.locator(
      `li.jp-RSConnect-server[data-server-name="${user}"]`
    );
    await expect(item).toContainText(`as ${user} · viewer`, {
      timeout: 30000
    });
    await expect(item.locator('.jp-RSConnect-viewerWarning')).toContainText(
      'viewers cannot publish'
    );
    await expect(panel.locator('.jp-RSConnect-addServerButton')).toBeFocused();

    await form.locator('select[name="server"]').selectOption(user);
    await expect(form.locator('.jp-RSConnect-viewerWarning')).toBeVisible();
    await expect(form.locator('button[type="submit"]')).toBeDisabled();
  });
});
