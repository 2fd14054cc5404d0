// /lessons/<id>/, the address lessons had before there were languages: the lesson in the learner's.
import { LanguagePick } from '../../../../components/LanguagePick.tsx';
import { loadLessons } from '../../../../content/load.ts';

export const dynamicParams = false;
export function generateStaticParams() {
  return loadLessons().map((l) => ({ slug: l.slug }));
}

export default async function OldLessonLink({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return <LanguagePick path={`/lessons/${slug}/`} />;
}
