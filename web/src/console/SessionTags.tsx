// A list item's labels and priority, so an agent sees at a glance what a conversation is about
// and how urgent it is.

import { useObservable } from '../shared/hooks';
import type { Session } from '../shared/types';
import { LabelChip, PriorityBadge } from './LabelChip';
import { useTools } from './tools';

export function SessionTags({ session }: { session: Session }) {
  const tools = useTools();
  useObservable(tools.labels);
  const labels = tools.labels.of(session.labels);
  if (labels.length === 0 && session.priority === 'none') return null;
  return (
    <span class="session-tags">
      <PriorityBadge priority={session.priority} />
      {labels.map((l) => (
        <LabelChip key={l.id} label={l} />
      ))}
    </span>
  );
}
