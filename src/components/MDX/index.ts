// The one registry of components lessons can use. MDX maps <pre> (fenced code) here too.
import { CodeBlock } from './CodeBlock.tsx';
import { Hint } from './Hint.tsx';
import { Note } from './Note.tsx';
import { Choice, Quiz } from './Quiz.tsx';
import { RuntimeStack } from './RuntimeStack.tsx';
import { RuntimeKinds } from './RuntimeKinds.tsx';
import { ContainerLifecycle } from './ContainerLifecycle.tsx';
import { ConfigViews } from './ConfigViews.tsx';
import { CgroupDrivers } from './CgroupDrivers.tsx';
import { DockershimPaths } from './DockershimPaths.tsx';
import { PodNetwork } from './PodNetwork.tsx';
import { PodStartPath } from './PodStartPath.tsx';
import { Solution } from './Solution.tsx';
import { TradeOff, TradeOffs } from './TradeOffs.tsx';
import { Step } from './Step.tsx';
import { Warning } from './Warning.tsx';

export const mdxComponents = {
  pre: CodeBlock,
  Step,
  Hint,
  Solution,
  Note,
  Warning,
  RuntimeStack,
  RuntimeKinds,
  ContainerLifecycle,
  ConfigViews,
  CgroupDrivers,
  DockershimPaths,
  PodNetwork,
  PodStartPath,
  Quiz,
  Choice,
  TradeOffs,
  TradeOff,
};
