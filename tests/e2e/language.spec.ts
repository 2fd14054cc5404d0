// Languages and search in the exported site: "/" picks the learner's language, the switch keeps
// the lesson, the place and the running lab, progress is shared, and Pagefind's static index finds
// lessons by English and Chinese queries.
import { expect, test, type Page } from '@playwright/test';
import { translator } from '../../src/i18n/messages.ts';

test('"/" goes to the browser\'s language, and a chosen language is remembered', async ({ browser }) => {
  const zh = await browser.newContext({ locale: 'zh-CN' });
  const page = await zh.newPage();
  await page.goto('/');
  await expect(page).toHaveURL(/\/zh\/$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(translator('zh')('home.title'));
  await page.getByTestId('switch-en').click();
  await expect(page).toHaveURL(/\/en\/$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.goto('/');
  await expect(page).toHaveURL(/\/en\/$/);
  await zh.close();

  const fr = await browser.newContext({ locale: 'fr-FR' });
  const p2 = await fr.newPage();
  await p2.goto('/lessons/meet-the-lab/#who-is-pid-1');
  await expect(p2).toHaveURL(/\/en\/lessons\/meet-the-lab\/#who-is-pid-1$/);
  await fr.close();
});

test('the switch keeps the lesson, the reading place, the running lab and the progress', async ({ page }) => {
  test.setTimeout(8 * 60_000);
  await page.goto('/en/lessons/meet-the-lab/');
  await expect(page.getByTestId('lab-status')).toHaveText(/Ready/, { timeout: 4 * 60_000 });
  const step = page.locator('[data-step="pid1"]');
  await step.getByRole('button', { name: /^Run: ps/ }).click();
  await expect(step).toHaveAttribute('data-status', 'passed', { timeout: 180_000 });
  await page.evaluate(() => ((globalThis as { __sameDocument?: boolean }).__sameDocument = true));

  // Read down to the crun step, then switch.
  await page.locator('[data-step="crun"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  const paneTop = async (p: Page) => p.locator('.lesson-pane').evaluate((el) => el.getBoundingClientRect().top);
  const stepTop = async (p: Page) => p.locator('[data-step="crun"]').evaluate((el) => el.getBoundingClientRect().top);
  await page.getByTestId('switch-zh').click();
  await expect(page).toHaveURL(/\/zh\/lessons\/meet-the-lab\/$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { level: 1, name: '认识实验环境' })).toBeVisible();
  await expect.poll(async () => Math.abs((await stepTop(page)) - (await paneTop(page))), { message: 'the crun step is still at the top of the lesson' }).toBeLessThan(40);
  // The lab did not restart: same document, still ready, and the step passed in English is passed here.
  expect(await page.evaluate(() => (globalThis as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await expect(page.getByTestId('lab-status')).toHaveText(/就绪/);
  await expect(page.locator('[data-step="pid1"]')).toHaveAttribute('data-status', 'passed');
  await expect(page.getByTestId('progress-count')).toHaveText('1/4');
});

// Each query finds the lesson that teaches it (among the first results: a word like 容器运行时 is in
// every lesson), and its result jumps into the page.
for (const [locale, query, slug] of [
  ['en', 'shim', 'meet-the-lab'],
  ['en', 'OOM killer', 'containers-by-hand'],
  ['zh', '容器运行时', 'meet-the-lab'],
  ['zh', '沙箱', 'other-runtimes'],
  ['zh', '命名空间', 'containers-by-hand'],
] as const) {
  test(`search (${locale}): "${query}" finds the lesson ${slug} and jumps into it`, async ({ page }) => {
    await page.goto(`/${locale}/`);
    // "/" focuses the box once the page is interactive (before hydration a key does nothing).
    await expect(async () => {
      await page.keyboard.press('/');
      await expect(page.getByTestId('search')).toBeFocused({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    await page.keyboard.type(query);
    const results = page.getByTestId('search-results');
    const hit = results.locator(`.search-hit[href^="/${locale}/lessons/${slug}/"]`);
    await expect(hit).toHaveCount(1, { timeout: 30_000 });
    await expect(results.locator('mark').first()).toBeVisible();
    const item = results.locator('li', { has: hit });
    const section = item.locator('.search-section').first();
    const target = (await section.count()) ? section : hit;
    await target.click();
    await expect(page).toHaveURL(new RegExp(`/${locale}/lessons/${slug}/`));
    const hash = new URL(page.url()).hash;
    if (hash) await expect(page.locator(`[id="${decodeURIComponent(hash.slice(1))}"]`)).toBeInViewport();
  });
}
