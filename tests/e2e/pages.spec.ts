// Every lesson page in every language: it exports, says its title in its language, has its steps,
// and the lab comes up beside it (a reading lesson, with nothing to run, has no lab). A screenshot of each is kept in test-results/pages/.
import { expect, test } from '@playwright/test';
import { loadLessons } from '../../src/content/load.ts';
import { lessonText } from '../../src/content/localized.ts';
import { LOCALES, HTML_LANG } from '../../src/i18n/locales.ts';
import { translator } from '../../src/i18n/messages.ts';

for (const lesson of loadLessons()) {
  for (const locale of LOCALES) {
    test(`${lesson.slug} (${locale}): its page, its steps, and the lab beside it`, async ({ page }) => {
      const text = lessonText(lesson, locale);
      await page.goto(`/${locale}/lessons/${lesson.slug}/`);
      await expect(page.locator('html')).toHaveAttribute('lang', HTML_LANG[locale]);
      await expect(page.getByRole('heading', { level: 1, name: text.title })).toBeVisible();
      await expect(page.locator('[data-step]')).toHaveCount(lesson.steps.length);
      await expect(page.locator('[data-quiz]')).toHaveCount(lesson.quizzes.length);
      await expect(page.getByTestId('untranslated')).toHaveCount(text.fallback ? 1 : 0);
      const reading = lesson.steps.length === 0 && Object.keys(lesson.commands).length === 0;
      if (reading) await expect(page.locator('#lab')).toHaveCount(0);
      else await expect(page.getByTestId('lab-status')).toHaveText(new RegExp(translator(locale)('status.ready')), { timeout: 4 * 60_000 });
      await page.screenshot({ path: `test-results/pages/${lesson.slug}-${locale}.png` });
    });
  }
}

test('a quiz: a wrong pick explains itself and does not count; the right answer counts in the progress', async ({ page }) => {
  const lesson = loadLessons().find((l) => l.quizzes.length);
  test.skip(!lesson, 'no lesson has a quiz yet');
  const quiz = lesson!.quizzes[0];
  const t = translator('en');
  await page.goto(`/en/lessons/${lesson!.slug}/`);
  const total = lesson!.steps.length + lesson!.quizzes.length;
  await expect(page.getByTestId('progress-count')).toHaveText(`0/${total}`);
  const box = page.locator(`[data-quiz="${quiz.id}"]`);
  const wrong = quiz.choices.find((c) => !quiz.answer.includes(c))!;
  await box.locator(`[data-choice="${wrong}"] input`).check();
  await box.getByRole('button', { name: t('quiz.check') }).click();
  await expect(box).toHaveAttribute('data-status', 'failed');
  await expect(box.locator(`[data-choice="${wrong}"] .quiz-why`)).toBeVisible();
  await expect(page.getByTestId('progress-count')).toHaveText(`0/${total}`);
  if (quiz.answer.length === 1) await box.locator(`[data-choice="${quiz.answer[0]}"] input`).check();
  else {
    await box.locator(`[data-choice="${wrong}"] input`).uncheck();
    for (const a of quiz.answer) await box.locator(`[data-choice="${a}"] input`).check();
  }
  await box.getByRole('button', { name: t('quiz.check') }).click();
  await expect(box).toHaveAttribute('data-status', 'passed');
  await expect(box.locator('.quiz-verdict')).toHaveText(t('quiz.right'));
  await expect(page.getByTestId('progress-count')).toHaveText(`1/${total}`);
  // A right answer is progress like a passed step: it is still there after a reload.
  await page.reload();
  await expect(page.locator(`[data-quiz="${quiz.id}"]`)).toHaveAttribute('data-status', 'passed');
});
