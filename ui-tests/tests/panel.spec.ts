/**
 * The panel around the work: it follows the document tab the user activates,
 * its sections share the height without nested scrolling, and a publish that
 * ended shortly before a reload of the page is still shown.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';

import {
  PANEL,
  contextMenu,
  dismissToasts,
  openPublishForm,
  uniqueToken,
  uploadNotebook,
  withEmulatorFault
} from './utils';

const PUBLISH_TIMEOUT = 150000;

/** Creating content on the emulator is refused: a publish fails fast, with a short log. */
const REFUSE_CONTENT = {
  route: 'POST /__api__/v1/content',
  status: 403,
  count: 1
};

/** Click a document's tab in the main area, as a person does. */
async function clickTab(page: Page, name: string): Promise<void> {
  await page
    .locator('#jp-main-dock-panel .lm-TabBar-tab', { hasText: name })
    .click();
}

/** Publish the file whose form is shown, as new content, and wait for its failure. */
async function publishAndFail(
  page: Page,
  form: Locator,
  name: string,
  title: string
): Promise<void> {
  await form.locator('select[name="server"]').selectOption('local');
  await form.locator('select[name="target"]').selectOption('new');
  await form.locator('input[name="title"]').fill(title);
  await form.locator('button[type="submit"]').click();
  await expect(
    page.locator('.Toastify__toast', { hasText: `Publishing ${name} failed` })
  ).toBeVisible({ timeout: PUBLISH_TIMEOUT });
  await expect(
    page.locator(`${PANEL} .jp-RSConnect-job[data-state="failed"]`)
  ).toBeVisible();
}

/**
 * The visible elements of the panel that scroll vertically (overflow auto or
 * scroll, with more content than room): 'servers' and 'publish' for the
 * sections, else their class names.
 */
async function scrollingElements(page: Page): Promise<string[]> {
  return page.locator(PANEL).evaluate(panel => {
    const [servers, publish] = Array.from(
      panel.querySelectorAll('.jp-RSConnect-section')
    );
    const found: string[] = [];
    panel.querySelectorAll<HTMLElement>('*').forEach(node => {
      const style = getComputedStyle(node);
      if (
        (style.overflowY === 'auto' || style.overflowY === 'scroll') &&
        node.checkVisibility() &&
        node.scrollHeight > node.clientHeight + 1
      ) {
        found.push(
          node === servers
            ? 'servers'
            : node === publish
              ? 'publish'
              : node.className
        );
      }
    });
    return found;
  });
}

/**
 * The Publish section scrolls and nothing inside it does; the Servers section
 * only when other tests left more servers than its cap allows.
 */
async function expectOneScrollingSection(page: Page): Promise<void> {
  const { content, cap } = await serversFit(page);
  const expected = content > cap ? ['servers', 'publish'] : ['publish'];
  expect(await scrollingElements(page)).toEqual(expected);
}

/**
 * The Servers section's height, the height its content needs, and the most it
 * may take: half of both sections, or all but 240 px when that is more.
 */
async function serversFit(
  page: Page
): Promise<{ height: number; content: number; cap: number }> {
  return page.locator(PANEL).evaluate(panel => {
    const [servers, publish] = Array.from(
      panel.querySelectorAll<HTMLElement>('.jp-RSConnect-section')
    );
    const style = getComputedStyle(servers);
    const body = servers.querySelector<HTMLElement>(
      '.jp-RSConnect-sectionBody'
    )!;
    const available = servers.offsetHeight + publish.offsetHeight;
    return {
      height: servers.clientHeight,
      content:
        body.offsetHeight +
        parseFloat(style.paddingTop) +
        parseFloat(style.paddingBottom),
      cap: Math.max(available / 2, available - 240)
    };
  });
}

/** The Servers section is as tall as its content, or its cap (and scrolls). */
async function expectServersFit(page: Page): Promise<void> {
  await expect
    .poll(
      async () => {
        const { height, content, cap } = await serversFit(page);
        return Math.abs(height - Math.min(content, cap));
      },
      { timeout: 10000 }
    )
    .toBeLessThanOrEqual(3);
}

test.describe('The Posit Connect panel', () => {
  test('follows the activated notebook tab after a right-click publish of another file', async ({
    page,
    tmpPath
  }) => {
    const token = uniqueToken('t');
    const first = 'first-tab.ipynb';
    const second = 'second-tab.ipynb';
    const other = 'right-clicked.ipynb';
    await uploadNotebook(page, tmpPath, first, token);
    await uploadNotebook(page, tmpPath, second, token);
    await uploadNotebook(page, tmpPath, other, token);
    await page.filebrowser.open(first);
    await page.filebrowser.open(second);
    const publish = page.locator(`${PANEL} .jp-RSConnect-publish`);

    // Right-click a file that is not open: the panel is about it…
    await contextMenu(page, other, 'Publish to Connect');
    await expect(publish).toHaveAttribute('data-path', `${tmpPath}/${other}`);

    // …until a document tab is activated, also the one that was current.
    await clickTab(page, second);
    await expect(publish).toHaveAttribute('data-path', `${tmpPath}/${second}`);

    await contextMenu(page, other, 'Publish to Connect');
    await expect(publish).toHaveAttribute('data-path', `${tmpPath}/${other}`);
    await clickTab(page, first);
    await expect(publish).toHaveAttribute('data-path', `${tmpPath}/${first}`);
    await expect(page.locator(`${PANEL} .jp-RSConnect-file`)).toHaveText(first);
  });

  test.describe('at 900 px tall', () => {
    test.use({ viewport: { width: 1400, height: 900 } });

    test('the Servers section fits its content and only the Publish section scrolls', async ({
      page,
      tmpPath
    }) => {
      const token = uniqueToken('y');
      const name = 'layout.ipynb';
      await withEmulatorFault(page, REFUSE_CONTENT, async () => {
        const filePath = await uploadNotebook(page, tmpPath, name, token);
        const form = await openPublishForm(page, name, filePath);
        await expectServersFit(page);

        await publishAndFail(page, form, name, `Layout ${token}`);
        await dismissToasts(page);
        await expectServersFit(page);
        // The job, the deployments and the form are taller than the room.
        await expectOneScrollingSection(page);

        // The short log of the failure, opened, does not scroll by itself.
        const box = page.locator(`${PANEL} details.jp-RSConnect-logBox`);
        await box.locator('summary').click();
        await expect(box.locator('.jp-RSConnect-log')).toBeVisible();
        await expect(box.locator('.jp-RSConnect-log')).not.toBeEmpty();
        await expectOneScrollingSection(page);

        // The add-server form makes the section taller (up to its cap), and
        // closing it shorter again.
        const before = (await serversFit(page)).height;
        await page
          .locator(`${PANEL} button`, { hasText: 'Add server' })
          .click();
        await expect(
          page.locator(`${PANEL} form.jp-RSConnect-addServer`)
        ).toBeVisible();
        await expectServersFit(page);
        const opened = await serversFit(page);
        expect(opened.height).toBeGreaterThan(
          Math.min(before + 100, opened.cap - 3)
        );
        await page
          .locator(`${PANEL} form.jp-RSConnect-addServer button`, {
            hasText: 'Cancel'
          })
          .click();
        await expectServersFit(page);
        expect(
          Math.abs((await serversFit(page)).height - before)
        ).toBeLessThanOrEqual(3);
      });
    });
  });

  test('a publish that ended shortly before a reload is shown again, without a new notification', async ({
    page,
    tmpPath
  }) => {
    const token = uniqueToken('r');
    const name = 'ended.ipynb';
    await withEmulatorFault(page, REFUSE_CONTENT, async () => {
      const filePath = await uploadNotebook(page, tmpPath, name, token);
      const form = await openPublishForm(page, name, filePath);
      await publishAndFail(page, form, name, `Ended ${token}`);
      const message = await page
        .locator(`${PANEL} .jp-RSConnect-jobError .jp-RSConnect-errorMessage`)
        .innerText();
      expect(message.length).toBeGreaterThan(0);
      await dismissToasts(page);

      await page.goto();
      await openPublishForm(page, name, filePath);
      const panel = page.locator(PANEL);
      const job = panel.locator('.jp-RSConnect-job[data-state="failed"]');
      await expect(job).toBeVisible({ timeout: 30000 });
      await expect(job.locator('.jp-RSConnect-jobStatus')).toContainText(
        'Failed while'
      );
      await expect(
        job.locator('.jp-RSConnect-jobError .jp-RSConnect-errorMessage')
      ).toHaveText(message);
      // With its log, which the job list leaves out.
      await expect(job.locator('.jp-RSConnect-logBox summary')).not.toHaveText(
        'Log (0 lines)'
      );
      await expect(job.locator('.jp-RSConnect-log')).toContainText(
        `Publishing ${filePath} to local`
      );
      // Over before the reload: no notification about it again.
      await expect(
        page.locator('.Toastify__toast', { hasText: `Publishing ${name}` })
      ).toHaveCount(0);
    });
  });
});
