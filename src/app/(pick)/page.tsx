// "/": the course home in the learner's language.
import { LanguagePick } from '../../components/LanguagePick.tsx';

export default function Root() {
  return <LanguagePick path="/" />;
}
