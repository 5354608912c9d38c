/**
 * What a person expects around a publish: edits not yet saved are published,
 * and a reload of the page during a publish does not lose it.
 */
import { expect, test } from '@jupyterlab/galata';

import {
  PANEL,
  allText,
  dismissToasts,
  listDeployments,
  openContentFrom,
  openPublishForm,
  successToast,
  uniqueToken,
  uploadNotebook,
  withEmulatorFault
} from './utils';

const PUBLISH_TIMEOUT = 150000;

test.describe('Around a publish', () => {
  test('unsaved edits of the open notebook are saved and published', async ({
    page,
    tmpPath
  }) => {
    const token = uniqueToken('u');
    const name = 'unsaved.ipynb';
    await uploadNotebook(page, tmpPath, name, token);
    await page.filebrowser.open(name);
    const marker = `marker-${token}`;
    await page.notebook.setCell(0, 'markdown', `# ${marker}`);
    // Edited, not saved.
    await expect(
      page.locator('.jp-mod-current.jp-mod-dirty, .jp-mod-dirty').first()
    ).toBeVisible();

    await page
      .locator(
        '.jp-NotebookPanel-toolbar [data-jp-item-name="rsconnect-lab-publish"] button'
      )
      .click();
    const panel = page.locator(PANEL);
    await expect(panel.locator('.jp-RSConnect-publish')).toHaveAttribute(
      'data-path',
      `${tmpPath}/${name}`
    );
    const form = panel.locator('form.jp-RSConnect-publishForm');
    await form.locator('select[name="server"]').selectOption('local');
    await form.locator('input[name="title"]').fill(`Unsaved ${token}`);
    await form.locator('button[type="submit"]').click();

    const toast = successToast(page, name, 'local');
    await expect(toast).toBeVisible({ timeout: PUBLISH_TIMEOUT });
    // Saved on the way (the kernel may touch the metadata again after, so
    // the file on disk is what counts, not the tab's dirty mark).
    const saved = await page.request.get(
      `api/contents/${tmpPath}/${name}?content=1`
    );
    expect(JSON.stringify(await saved.json())).toContain(marker);
    const content = await openContentFrom(page, toast);
    await expect
      .poll(() => allText(content), { timeout: 60000 })
      .toContain(marker);
  });

  test('a publish running when the page reloads is followed again', async ({
    page,
    tmpPath
  }) => {
    const token = uniqueToken('l');
    const name = 'reloaded.ipynb';
    await withEmulatorFault(
      page,
      { route: 'GET /__api__/v1/tasks/*', delay: 2 },
      async () => {
        const filePath = await uploadNotebook(page, tmpPath, name, token);
        let form = await openPublishForm(page, name, filePath);
        await form.locator('select[name="server"]').selectOption('local');
        await form.locator('input[name="title"]').fill(`Reloaded ${token}`);
        await form.locator('button[type="submit"]').click();
        const panel = page.locator(PANEL);
        await expect(
          panel.locator('.jp-RSConnect-step[data-step="deploy"].jp-mod-running')
        ).toBeVisible({ timeout: 60000 });

        await page.goto();
        // The notification follows the job again, to its end.
        await expect(
          page.locator('.Toastify__toast', {
            hasText: `Publishing ${name} to local`
          })
        ).toBeVisible({ timeout: 30000 });
        // And the panel shows the job with its whole log.
        form = await openPublishForm(page, name, filePath);
        const job = panel.locator('.jp-RSConnect-job');
        await expect(job).toBeVisible();
        // Its first line, from before the reload.
        await expect(job.locator('.jp-RSConnect-log')).toContainText(
          `Publishing ${filePath} to local`,
          { timeout: 30000 }
        );
        await expect(successToast(page, name, 'local')).toBeVisible({
          timeout: PUBLISH_TIMEOUT
        });
        await expect(
          panel.locator('.jp-RSConnect-job[data-state="succeeded"]')
        ).toBeVisible();
        expect(await listDeployments(page, filePath)).toHaveLength(1);
        await dismissToasts(page);
      }
    );
  });
});
