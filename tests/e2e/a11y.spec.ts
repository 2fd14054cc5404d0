// An automated accessibility audit (axe-core) of the home and lesson pages, light and dark: no
// serious or critical violations.
import { expect, test } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

for (const scheme of ['light', 'dark'] as const) {
  for (const [name, path] of [['home', '/en/'], ['lesson', '/en/lessons/meet-the-lab/'], ['home (zh)', '/zh/'], ['lesson (zh)', '/zh/lessons/meet-the-lab/']] as const) {
    test(`${name} page, ${scheme}: no serious or critical accessibility violations`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(path);
      await expect(page.locator('h1')).toBeVisible();
      if (name.startsWith('lesson')) await expect(page.getByTestId('lab-status')).toBeVisible();
      const results = await new AxeBuilder({ page })
        // xterm's own helper textarea and canvas layers are the terminal library's; the terminal
        // itself is labelled (see LabTerminal) and has a screen-reader mode.
        .exclude('.xterm-helper-textarea')
        .exclude('.xterm-screen')
        .analyze();
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
    });
  }
}
