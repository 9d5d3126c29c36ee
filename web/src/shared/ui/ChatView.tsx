// A conversation on screen: history, who is typing, notices and the message box. Used by the
// customer app, the widget and the console; `conversation` is null for a conversation not yet
// started (its first message starts it). Says so while the connection is lost, and while
// messages missed meanwhile (or skipped) are being fetched ("Catching up…"). Files dropped
// anywhere on it are attached to the message being written, where files are accepted.

import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Api } from '../api';
import type { AttachmentRef } from '../attachments';
import type { ChatClient } from '../chat-client';
import type { Conversation } from '../conversation';
import { useObservable } from '../hooks';
import { t } from '../i18n';
import { type Attach, type Draft, carriesFiles } from './attach';
import { Composer } from './Composer';
import { MessageList } from './MessageList';
import { Typing } from './Typing';

interface Props {
  chat: ChatClient;
  conversation: Conversation | null;
  intro?: ComponentChildren;
  notices?: ComponentChildren;
  /** Returning false keeps the text in the box (it was not sent). */
  onSend: (text: string, files: AttachmentRef[]) => boolean | void;
  composerDisabled?: boolean;
  placeholder?: string;
  showOwnNames?: boolean;
  /**
   * A message box of the surface's own instead of the plain one (the console's reply/note box),
   * given what the plain one would have been given.
   */
  composer?: (plain: { placeholder?: string; disabled?: boolean }) => ComponentChildren;
  /** Reads the files messages carry. */
  api?: Api;
  /** Files for the message being written (dropped here, or picked in the box); null: none taken now. */
  attach?: Attach | null;
  draft?: Draft;
}

export function ChatView(props: Props) {
  const { chat, conversation, intro, notices, onSend, composerDisabled, placeholder, showOwnNames, composer, api, attach, draft } = props;
  useObservable(chat, conversation);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [dropping, setDropping] = useState(false);
  const sessionId = conversation?.sessionId;

  async function loadOlder() {
    if (!sessionId || loadingOlder) return;
    setLoadingOlder(true);
    try {
      await chat.loadOlder(sessionId);
    } finally {
      setLoadingOlder(false);
    }
  }

  /** A drag of files: taken here (the page is not replaced by the file), shown as a drop target where accepted. */
  function onDrag(e: DragEvent) {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    const over = e.type !== 'dragleave' && e.type !== 'drop' && !!attach;
    if (e.dataTransfer) e.dataTransfer.dropEffect = over ? 'copy' : 'none';
    if (e.type === 'dragleave' && e.currentTarget instanceof Node && e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget)) return;
    setDropping(over);
    if (e.type === 'drop' && attach) attach.add(Array.from(e.dataTransfer?.files ?? []));
  }

  return (
    <div class={dropping ? 'chat-view dropping' : 'chat-view'} onDragEnter={onDrag} onDragOver={onDrag} onDragLeave={onDrag} onDrop={onDrag}>
      {conversation ? (
        <MessageList
          conversation={conversation}
          intro={intro}
          onLoadOlder={loadOlder}
          onRetry={(id) => sessionId && chat.retry(sessionId, id)}
          showOwnNames={showOwnNames}
          api={api}
        />
      ) : (
        <div class="messages" role="log" aria-label={t('chat.messages')} tabIndex={0}>
          {intro}
        </div>
      )}
      <Typing names={conversation?.whoIsTyping() ?? []} />
      {!chat.connected && chat.everConnected && (
        <div class="banner banner-warn" role="status">
          {t('chat.reconnecting')}
        </div>
      )}
      {chat.connected && conversation?.catchingUp && (
        <div class="banner banner-info" role="status" data-catching-up="">
          {t('chat.catchingUp')}
        </div>
      )}
      {notices}
      {composer ? (
        composer({ placeholder, disabled: composerDisabled })
      ) : (
        <Composer
          onSend={onSend}
          onTyping={() => sessionId && chat.typing(sessionId)}
          onIdle={() => sessionId && chat.stopTyping(sessionId)}
          disabled={composerDisabled}
          placeholder={placeholder}
          attach={attach}
          draft={draft}
        />
      )}
    </div>
  );
}
