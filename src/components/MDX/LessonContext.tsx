'use client';
// Which lesson the MDX components are rendered in (a Step records progress under it), and what its
// checks' own codes say in this page's language.
import { createContext, useContext } from 'react';

interface LessonInfo {
  slug: string;
  messages: Record<string, string>;
}
export const LessonContext = createContext<LessonInfo>({ slug: '', messages: {} });
export const useLessonSlug = () => useContext(LessonContext).slug;
export const useLessonMessages = () => useContext(LessonContext).messages;
export function LessonProvider({ slug, messages, children }: LessonInfo & { children: React.ReactNode }) {
  return <LessonContext.Provider value={{ slug, messages }}>{children}</LessonContext.Provider>;
}
