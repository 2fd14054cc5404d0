import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUES, fill, translator } from './messages.ts';
import { LOCALES, localePath, pickLocale } from './locales.ts';
import { HELPER_CODES } from '../lab/check-messages.ts';
import { PARTS } from '../content/parts.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

test('every language has every key, none empty, with the same placeholders', () => {
  const en = CATALOGUES.en;
  for (const locale of LOCALES) {
    const c = CATALOGUES[locale] as Record<string, string>;
    const missing = Object.keys(en).filter((k) => !(k in c));
    const extra = Object.keys(c).filter((k) => !(k in en));
    assert.deepEqual(missing, [], `${locale} lacks ${missing.join(', ')}`);
    assert.deepEqual(extra, [], `${locale} has keys English does not: ${extra.join(', ')}`);
    for (const [k, v] of Object.entries(c)) {
      assert.ok(v.trim(), `${locale} ${k} is empty`);
      assert.equal(placeholders(v), placeholders(en[k as keyof typeof en]), `${locale} ${k}: placeholders differ from English`);
    }
  }
});

test("every check helper's code and every part has its words", () => {
  for (const locale of LOCALES) {
    const c = CATALOGUES[locale] as Record<string, string>;
    for (const code of HELPER_CODES) assert.ok(c[`check.${code}`], `${locale} has no sentence for the helper code ${code}`);
    for (const p of PARTS) assert.ok(c[`part.${p.id}.title`] && c[`part.${p.id}.summary`], `${locale} has no title for part ${p.id}`);
  }
});

test('every helper code the guest can print is one the page knows, and the other way round', () => {
  const sh = readFileSync(join(process.cwd(), 'images/rootfs/usr/local/lib/lab/check.sh'), 'utf8');
  const printed = [...new Set([...sh.matchAll(/\bfail ([a-z][a-z-]+)/g)].map((m) => m[1]))].sort();
  assert.deepEqual(printed, [...HELPER_CODES].sort());
});

test('every error code the lab can raise has a message and a hint in every language', () => {
  // The codes are the third argument of a LabError or a `code:` of a problem, in the page's and the driver's sources.
  const files = ['src/vm/errors.ts', 'src/vm/machine.ts', 'src/lab/lab-client.ts', 'src/lab/worker/image-check.ts', 'src/lab/worker/worker-host.ts'];
  const codes = new Set<string>();
  for (const f of files) {
    const src = readFileSync(join(process.cwd(), f), 'utf8');
    for (const m of src.matchAll(/code: '([a-z-]+)'|'([a-z]+(?:-[a-z]+)+|[a-z]+)',\s*\n?\s*\);|, '([a-z-]+)'\)/g)) codes.add(m[1] ?? m[2] ?? m[3]);
  }
  assert.ok(codes.size >= 15, `found only ${codes.size} error codes: ${[...codes].join(', ')}`);
  for (const locale of LOCALES) {
    const c = CATALOGUES[locale] as Record<string, string>;
    for (const code of codes) assert.ok(c[`error.${code}`] && c[`error.${code}.hint`], `${locale} has no message for the error ${code}`);
  }
});

test('t() fills placeholders and leaves unknown ones', () => {
  assert.equal(fill('{a} and {b}', { a: 1 }), '1 and {b}');
  assert.equal(translator('zh')('home.part', { n: 2 }), '第 2 部分');
  assert.equal(translator('en')('home.part', { n: 2 }), 'Part 2');
});

test("the root picks the remembered language, else the browser's first known one", () => {
  assert.equal(pickLocale(['zh-CN', 'en']), 'zh');
  assert.equal(pickLocale(['zh-TW']), 'zh');
  assert.equal(pickLocale(['fr', 'de']), 'en');
  assert.equal(pickLocale(['fr', 'zh']), 'zh');
  assert.equal(pickLocale(['zh-CN'], 'en'), 'en');
  assert.equal(pickLocale(['en'], 'nonsense'), 'en');
});

test('the same page in the other language', () => {
  assert.equal(localePath('/en/lessons/meet-the-lab/', 'zh'), '/zh/lessons/meet-the-lab/');
  assert.equal(localePath('/zh/', 'en'), '/en/');
  assert.equal(localePath('/zh', 'en'), '/en/');
  assert.equal(localePath('/lessons/x/', 'zh'), '/zh/lessons/x/');
});

test('the catalogues are the only place UI words live: components use t()', () => {
  // A crude guard: no component renders a capitalised English sentence as JSX text.
  const dir = join(process.cwd(), 'src/components');
  const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.tsx'));
  for (const f of files) {
    const src = readFileSync(join(dir, f), 'utf8');
    const hit = /> *[A-Z][a-z]+ [a-z]+[^<{]*</.exec(src);
    assert.equal(hit, null, `src/components/${f} has English words outside the catalogue: ${hit?.[0]}`);
  }
});
