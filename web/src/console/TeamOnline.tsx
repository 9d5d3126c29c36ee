// Who of the team is online, and their chosen status.

import { useObservable } from '../shared/hooks';
import type { Workspace } from './workspace';

export function TeamOnline({ workspace, wide }: { workspace: Workspace; wide?: boolean }) {
  useObservable(workspace);
  return (
    <section class={wide ? 'team team-wide' : 'team'} aria-labelledby="team-title">
      <h2 id="team-title" class="section-title">
        Team
      </h2>
      <ul class="team-list">
        {workspace.agents.map((a) => (
          <li key={a.id} data-agent={a.email} data-online={String(a.online)}>
            <span class={a.online ? 'dot dot-online' : 'dot'} aria-hidden="true" />
            <span class="team-name">
              {a.name}
              {a.id === workspace.me.id && ' (you)'}
            </span>
            <span class="muted small">{a.online ? a.status : 'offline'}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
