// A lesson's prose in a language, or English when that language has no translation yet.
import type { Locale } from '../i18n/locales.ts';
import type { Lesson, LessonText } from './lessons.ts';

export function lessonText(lesson: Lesson, locale: Locale): LessonText & { fallback: boolean } {
  const text = lesson.texts[locale];
  return text ? { ...text, fallback: false } : { ...lesson.texts.en, fallback: true };
}
