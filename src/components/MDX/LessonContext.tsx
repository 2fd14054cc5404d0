'use client';
// Which lesson the MDX components are rendered in (a Step needs it to record progress).
import { createContext, useContext } from 'react';

export const LessonContext = createContext<string>('');
export const useLessonSlug = () => useContext(LessonContext);
export function LessonProvider({ slug, children }: { slug: string; children: React.ReactNode }) {
  return <LessonContext.Provider value={slug}>{children}</LessonContext.Provider>;
}
