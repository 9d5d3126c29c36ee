// The console's message box: a reply to the customer or a private note for the team (a toggle
// reachable by keyboard), canned replies after `/`, teammates after `@` in a note. Enter sends,
// Shift+Enter starts a new line. Typing is announced to the customer only while writing a
// reply: a note being written must not show as "typing" to them. Text over the server's limit is
// kept whole, counted and refused, as in every surface's message box. Files (the paperclip, a
// drop on the conversation, a paste) go with a reply or a note once all are uploaded; a note
// that failed is sent again with the same id and files, so it is never added twice.

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../shared/api';
import type { AttachmentRef } from '../shared/attachments';
import { MAX_MESSAGE_CHARS, messageLength } from '../shared/format';
import { useObservable } from '../shared/hooks';
import { randomId } from '../shared/ids';
import type { ConsoleSession } from '../shared/types';
import { AttachButton } from '../shared/ui/AttachButton';
import { type Attach, pastedFiles } from '../shared/ui/attach';
import { fillPlaceholders } from './canned';
import { ComposerSuggestions } from './ComposerSuggestions';
import { LengthNotice, countShown } from './LengthNotice';
import { SUGGESTIONS_ID, optionId } from './Suggestions';
import { type Picker, mentionText, pickerFor, replaceTrigger } from './suggest';
import { type ComposerMode, useTools } from './tools';

interface Props {
  session: ConsoleSession;
  /** The customer may not be answered from here (assigned to a teammate): notes only. */
  replyBlocked: boolean;
  /** Nothing can be written (the conversation is closed). */
  closed: boolean;
  /** What the reply box says when empty. */
  replyPlaceholder: string;
  /** Files, where the organization takes them. */
  attach: Attach | null;
}

/** A note as last tried: tried again unchanged, it keeps its id. */
interface NoteAttempt {
  clientMsgId: string;
  content: string;
  files: string;
}

export function AgentComposer({ session, replyBlocked, closed, replyPlaceholder, attach }: Props) {
  const tools = useTools();
  const { workspace, canned } = tools;
  useObservable(tools, canned, workspace);
  const chat = workspace.chat;
  const [chosenMode, setMode] = useState<ComposerMode>('reply');
  // A closed conversation takes neither: it shows as a plain (disabled) box.
  const mode: ComposerMode = closed ? 'reply' : replyBlocked ? 'note' : chosenMode;
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const [refused, setRefused] = useState(false);
  const [error, setError] = useState('');
  const [addingNote, setAddingNote] = useState(false);
  const [waitFiles, setWaitFiles] = useState(false);
  const lastNote = useRef<NoteAttempt | null>(null);
  const list = attach?.list ?? null;
  useObservable(list);
  const files = list?.ready() ?? [];
  const area = useRef<HTMLTextAreaElement>(null);
  const caretAfterRender = useRef<number | null>(null);
  const asked = useRef(tools.composerAsk.count);

  const values = { customerName: session.client_name, agentName: workspace.me.name, organizationName: workspace.org?.name ?? '' };
  const length = messageLength(text);
  const over = length > MAX_MESSAGE_CHARS;
  const picker = closed ? null : pickerFor(text, caret, mode, dismissedAt, canned.replies, workspace.agents, workspace.me.id);
  const shown = picker && picker.items.length > 0 ? picker : null;
  const activeIndex = shown ? Math.min(active, shown.items.length - 1) : 0;

  useEffect(() => {
    if (picker?.kind === 'canned') canned.ensureLoaded();
  }, [picker?.kind]);

  // A shortcut (r, n) asked for the box.
  useEffect(() => {
    if (tools.composerAsk.count === asked.current) return;
    asked.current = tools.composerAsk.count;
    if (!replyBlocked) switchMode(tools.composerAsk.mode);
    area.current?.focus();
  }, [tools.composerAsk.count]);

  useLayoutEffect(() => {
    const el = area.current;
    if (el && caretAfterRender.current !== null) {
      el.setSelectionRange(caretAfterRender.current, caretAfterRender.current);
      caretAfterRender.current = null;
    }
  });

  function switchMode(next: ComposerMode) {
    setMode(next);
    setDismissedAt(null);
    if (next === 'note') chat.stopTyping(session.id);
  }

  function update(value: string, at: number) {
    setText(value);
    setCaret(at);
    setActive(0);
    // A dismissed trigger that was deleted no longer holds back a new one typed in its place.
    const atDismissed = dismissedAt === null ? undefined : value[dismissedAt];
    if (dismissedAt !== null && atDismissed !== '/' && atDismissed !== '@') setDismissedAt(null);
    if (messageLength(value) <= MAX_MESSAGE_CHARS) setRefused(false);
    if (mode === 'reply' && value.trim()) chat.typing(session.id);
    else chat.stopTyping(session.id);
  }

  function choose(p: Picker, index: number) {
    const insertion = p.kind === 'canned' ? fillPlaceholders(p.items[index].content, values) : mentionText(p.items[index].name);
    const next = replaceTrigger(text, p.trigger, insertion);
    setText(next.text);
    setCaret(next.caret);
    caretAfterRender.current = next.caret;
    setActive(0);
    area.current?.focus();
  }

  async function submit() {
    const content = text.trim();
    if ((!content && !list?.items.length) || closed || addingNote) return;
    if (over) {
      setRefused(true);
      return;
    }
    // Never without a file that was attached.
    setWaitFiles(!!list?.blocked);
    if (list?.blocked) return;
    setError('');
    setText('');
    setCaret(0);
    area.current?.focus();
    if (mode === 'reply') {
      chat.send(session.id, content, files);
      list?.clear();
      return;
    }
    await addNote(content, files);
  }

  /** Adds a private note; its files stay in the box until it is added. */
  async function addNote(content: string, files: AttachmentRef[]) {
    const ids = files.map((f) => f.id);
    const tried = lastNote.current;
    const same = tried && tried.content === content && tried.files === ids.join();
    const attempt = { clientMsgId: same ? tried.clientMsgId : randomId(), content, files: ids.join() };
    lastNote.current = attempt;
    setAddingNote(true);
    try {
      const { message } = await tools.api.call('post', '/api/sessions/{id}/messages', {
        path: { id: session.id },
        body: { content, internal: true, client_msg_id: attempt.clientMsgId, ...(ids.length ? { attachments: ids } : {}) },
      });
      chat.conversation(session.id).merge([message]);
      lastNote.current = null;
      list?.clear();
    } catch (e) {
      // The note is not lost: it comes back to the box unless something new was typed meanwhile.
      setText((now) => (now ? now : content));
      setError(`The note was not added. ${errorText(e)}`);
    } finally {
      setAddingNote(false);
    }
  }

  function onKeyDown(e: KeyboardEvent) {
    if (shown) {
      const count = shown.items.length;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((activeIndex + (e.key === 'ArrowDown' ? 1 : count - 1)) % count);
        return;
      }
      if ((e.key === 'Enter' && !e.shiftKey && !e.isComposing) || e.key === 'Tab') {
        e.preventDefault();
        choose(shown, activeIndex);
        return;
      }
    }
    if (picker && e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setDismissedAt(picker.trigger.start);
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void submit();
    }
  }

  const readCaret = (e: Event) => setCaret((e.currentTarget as HTMLTextAreaElement).selectionStart ?? 0);
  const placeholder = closed
    ? replyPlaceholder
    : mode === 'note'
      ? replyBlocked
        ? 'Assigned to a teammate: write a private note for the team (@ mentions someone)…'
        : 'Write a private note for the team (@ mentions someone)…'
      : replyPlaceholder;
  const describedBy = [countShown(length) ? 'composer-count' : '', 'composer-hint'].filter(Boolean).join(' ');

  // Closed, and not mine to reopen (a teammate's earlier conversation): there is nothing to write.
  const readOnly = closed && !workspace.canSeeAll && !!session.agent_id && session.agent_id !== workspace.me.id;
  if (readOnly) {
    return (
      <p class="composer-readonly muted" data-read-only="">
        This conversation is closed. You can read it; {workspace.agentName(session.agent_id) ?? 'the teammate who had it'} or a supervisor can reopen it.
      </p>
    );
  }

  return (
    <form
      class={`composer agent-composer${mode === 'note' ? ' note-mode' : ''}`}
      data-mode={mode}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <fieldset class="composer-modes" disabled={closed}>
        <legend class="sr-only">Write a</legend>
        <label class={mode === 'reply' ? 'mode-option checked' : 'mode-option'}>
          <input type="radio" name="composer-mode" value="reply" checked={mode === 'reply'} disabled={replyBlocked} onChange={() => switchMode('reply')} />
          Reply
        </label>
        <label class={mode === 'note' ? 'mode-option checked' : 'mode-option'}>
          <input type="radio" name="composer-mode" value="note" checked={mode === 'note'} onChange={() => switchMode('note')} />
          Note
        </label>
        <span id="composer-hint" class="composer-hint muted small">
          {closed ? '' : mode === 'note' ? 'Only your team sees notes. Type @ to mention a teammate.' : 'Type / for canned replies.'}
        </span>
      </fieldset>
      {picker && !closed && (
        <ComposerSuggestions picker={picker} active={activeIndex} values={values} canned={canned} onChoose={(index) => choose(picker, index)} />
      )}
      {list && attach?.chunk && <attach.chunk.ComposerFiles list={list} />}
      <label class="sr-only" for="composer-text">
        {mode === 'note' ? 'Private note' : 'Message'}
      </label>
      <textarea
        id="composer-text"
        ref={area}
        rows={Math.min(6, Math.max(1, text.split('\n').length))}
        value={text}
        placeholder={placeholder}
        disabled={closed}
        aria-invalid={over ? 'true' : undefined}
        aria-describedby={describedBy}
        aria-autocomplete="list"
        aria-controls={shown ? SUGGESTIONS_ID : undefined}
        aria-activedescendant={shown ? optionId(activeIndex) : undefined}
        onKeyDown={onKeyDown}
        onInput={(e) => update(e.currentTarget.value, e.currentTarget.selectionStart ?? e.currentTarget.value.length)}
        onKeyUp={readCaret}
        onClick={readCaret}
        onBlur={() => chat.stopTyping(session.id)}
        onPaste={(e) => {
          const pasted = attach && !closed ? pastedFiles(e.clipboardData) : [];
          if (!pasted.length) return;
          attach!.add(pasted);
          if (!e.clipboardData?.types.includes('text/plain')) e.preventDefault();
        }}
      />
      {attach && <AttachButton onFiles={attach.add} disabled={closed} />}
      <button
        type="submit"
        class="send"
        disabled={closed || addingNote || (!text.trim() && !files.length) || !!list?.blocked}
        aria-label={mode === 'note' ? 'Add note' : 'Send'}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M3 20.5l18-8.5L3 3.5v6.6l12 1.9-12 1.9z" fill="currentColor" />
        </svg>
      </button>
      <LengthNotice length={length} refused={refused} />
      {waitFiles && list?.blocked && (
        <p class="composer-note error-text" role="alert">
          Wait until every file is uploaded, or remove the ones that failed.
        </p>
      )}
      {error && (
        <p class="composer-note error-text" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
