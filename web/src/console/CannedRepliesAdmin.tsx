// Canned replies: every agent keeps personal ones; supervisors and admins also keep the team's
// shared ones. Create, edit and delete; typed as `/shortcut` in the message box. Loaded when
// first opened.

import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/api';
import { useObservable } from '../shared/hooks';
import type { CannedReply } from '../shared/types';
import { isPersonal, shortcutProblem } from './canned';
import { ConfirmDialog } from './ConfirmDialog';
import { useTools } from './tools';

const PLACEHOLDERS = ['{{customer.name}}', '{{agent.name}}', '{{organization.name}}'];

export function CannedRepliesAdmin() {
  const tools = useTools();
  const { canned, workspace } = tools;
  useObservable(canned);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const mayShare = workspace.canSeeAll;

  useEffect(() => {
    void canned.load().catch((e) => setStatus({ ok: false, text: errorText(e) }));
  }, []);

  async function run(action: () => Promise<unknown>, done: string): Promise<boolean> {
    setStatus(null);
    try {
      await action();
      setStatus({ ok: true, text: done });
      return true;
    } catch (e) {
      setStatus({ ok: false, text: errorText(e) });
      return false;
    }
  }

  const shared = canned.replies.filter((r) => !isPersonal(r));
  const personal = canned.replies.filter(isPersonal);
  return (
    <div class="admin canned-admin">
      <h1>Canned replies</h1>
      <p class="muted">
        Type <kbd>/</kbd> and a shortcut in the message box to insert a reply, then edit it before sending. These placeholders are filled in:{' '}
        {PLACEHOLDERS.map((p, i) => (
          <span key={p}>
            {i > 0 && ', '}
            <code>{p}</code>
          </span>
        ))}
        .
      </p>
      <p class={status?.ok ? 'ok-text' : 'error-text'} role="status">
        {status?.text ?? ''}
      </p>
      <ReplyGroup title="Shared with the team" replies={shared} editable={mayShare} run={run} empty="No shared replies yet." />
      <ReplyGroup title="Personal (only you)" replies={personal} editable run={run} empty="No personal replies yet." />
      <ReplyEditor key={canned.replies.length} mayShare={mayShare} run={run} />
    </div>
  );
}

type Run = (action: () => Promise<unknown>, done: string) => Promise<boolean>;

function ReplyGroup({ title, replies, editable, run, empty }: { title: string; replies: CannedReply[]; editable: boolean; run: Run; empty: string }) {
  const id = title.replace(/\W+/g, '-').toLowerCase();
  return (
    <section class="reply-group" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {replies.length === 0 ? (
        <p class="muted small">{empty}</p>
      ) : (
        <ul class="admin-list">
          {replies.map((r) => (
            <ReplyRow key={r.id} reply={r} editable={editable} run={run} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ReplyRow({ reply, editable, run }: { reply: CannedReply; editable: boolean; run: Run }) {
  const tools = useTools();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  if (editing) {
    return (
      <li class="admin-row">
        <ReplyEditor reply={reply} mayShare={false} run={run} onDone={() => setEditing(false)} />
      </li>
    );
  }
  return (
    <li class="admin-row reply-row" data-shortcut={reply.shortcut}>
      <div class="reply-text">
        <code class="reply-shortcut">/{reply.shortcut}</code>
        <p class="reply-content">{reply.content}</p>
      </div>
      {editable && (
        <div class="row-actions">
          <button type="button" class="btn btn-small" onClick={() => setEditing(true)} aria-label={`Edit /${reply.shortcut}`}>
            Edit
          </button>
          <button type="button" class="btn btn-small btn-danger" onClick={() => setConfirming(true)} aria-label={`Delete /${reply.shortcut}`}>
            Delete
          </button>
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Delete /${reply.shortcut}?`}
          confirmLabel="Delete reply"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void run(() => tools.canned.remove(reply.id), `Deleted /${reply.shortcut}.`);
          }}
        >
          <p>{isPersonal(reply) ? 'Only you used it.' : 'Nobody in the team can insert it any more.'} This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </li>
  );
}

interface EditorProps {
  /** The reply to edit; none: a new one. */
  reply?: CannedReply;
  mayShare: boolean;
  run: Run;
  onDone?: () => void;
}

function ReplyEditor({ reply, mayShare, run, onDone }: EditorProps) {
  const tools = useTools();
  const [shortcut, setShortcut] = useState(reply?.shortcut ?? '');
  const [content, setContent] = useState(reply?.content ?? '');
  const [shared, setShared] = useState(false);
  const [touched, setTouched] = useState(false);
  const problem = shortcutProblem(shortcut);
  const prefix = reply ? `edit-${reply.id}` : 'new-reply';

  async function save(e: Event) {
    e.preventDefault();
    setTouched(true);
    if (problem || !content.trim()) return;
    const ok = reply
      ? await run(() => tools.canned.update(reply.id, shortcut, content.trim()), `Saved /${shortcut}.`)
      : await run(() => tools.canned.create(shortcut, content.trim(), !shared), `Created /${shortcut}.`);
    if (ok) onDone?.();
  }

  return (
    <form class="reply-editor" onSubmit={save} aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`} class={reply ? 'sr-only' : undefined}>
        {reply ? `Edit /${reply.shortcut}` : 'New canned reply'}
      </h2>
      <label class="field">
        <span>Shortcut</span>
        <input
          value={shortcut}
          maxLength={32}
          required
          aria-invalid={touched && problem ? 'true' : undefined}
          aria-describedby={`${prefix}-shortcut-help`}
          onInput={(e) => setShortcut(e.currentTarget.value.toLowerCase())}
        />
        <small id={`${prefix}-shortcut-help`} class={touched && problem ? 'error-text' : undefined}>
          {touched && problem ? problem : 'Lower-case letters, digits, - and _; typed after / in the message box.'}
        </small>
      </label>
      <label class="field">
        <span>Reply</span>
        <textarea rows={4} value={content} maxLength={4000} required onInput={(e) => setContent(e.currentTarget.value)} />
      </label>
      {!reply && mayShare && (
        <label class="check">
          <input type="checkbox" checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} />
          Share with the whole team
        </label>
      )}
      <div class="row-actions">
        <button type="submit" class="btn btn-primary">
          {reply ? 'Save' : 'Create reply'}
        </button>
        {onDone && (
          <button type="button" class="btn" onClick={onDone}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
