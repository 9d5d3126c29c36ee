// Where teammates mentioned me, newest first. Choosing one opens its conversation at the note
// and marks the mentions of that conversation read. Loaded when first opened.

import { useState } from 'preact/hooks';
import { errorText } from '../shared/api';
import { shortWhen } from '../shared/format';
import { useObservable } from '../shared/hooks';
import type { Mention } from '../shared/types';
import { ToolDialog } from './ToolDialog';
import { useTools } from './tools';

export function MentionsList({ onClose }: { onClose: () => void }) {
  const tools = useTools();
  const { mentions, workspace } = tools;
  useObservable(mentions, workspace);
  const [error, setError] = useState('');

  async function open(m: Mention) {
    setError('');
    try {
      const session = workspace.sessions.get(m.session_id) ?? (await workspace.refresh(m.session_id));
      if (!session) {
        setError('That conversation no longer exists.');
        return;
      }
      onClose();
      tools.open(session, m.seq);
      await mentions.markRead(m.session_id);
    } catch (e) {
      setError(errorText(e));
    }
  }

  return (
    <ToolDialog title="Mentions" kind="mentions-dialog" onClose={onClose}>
      {mentions.unread > 0 && (
        <button type="button" class="link small" onClick={() => void mentions.markRead().catch((e) => setError(errorText(e)))}>
          Mark all as read
        </button>
      )}
      {error && (
        <p class="error-text small" role="alert">
          {error}
        </p>
      )}
      {mentions.mentions.length === 0 ? (
        <p class="muted">Nobody has mentioned you in a note yet. Teammates do it by writing @ and your name in a private note.</p>
      ) : (
        <ul class="mention-list">
          {mentions.mentions.map((m) => (
            <li key={m.id}>
              <button type="button" class={m.read_at ? 'mention-item' : 'mention-item unread'} data-mention={m.id} onClick={() => void open(m)}>
                <span class="mention-head">
                  {!m.read_at && <span class="dot dot-unread" aria-label="Unread" role="img" />}
                  <strong>{m.author_name}</strong>
                  <span class="muted small">
                    in {workspace.sessions.get(m.session_id)?.client_name ?? 'a conversation'} · {shortWhen(m.created_at)}
                  </span>
                </span>
                <span class="mention-excerpt">{m.excerpt}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </ToolDialog>
  );
}
