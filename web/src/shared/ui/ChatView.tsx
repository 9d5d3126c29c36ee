// A conversation on screen: history, who is typing, notices and the message box. Used by the
// customer app, the widget and the console; `conversation` is null for a conversation not yet
// started (its first message starts it). Says so while the connection is lost, and while
// messages missed meanwhile (or skipped) are being fetched ("Catching up…").

import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ChatClient } from '../chat-client';
import type { Conversation } from '../conversation';
import { useObservable } from '../hooks';
import { t } from '../i18n';
import { Composer } from './Composer';
import { MessageList } from './MessageList';
import { Typing } from './Typing';

interface Props {
  chat: ChatClient;
  conversation: Conversation | null;
  intro?: ComponentChildren;
  notices?: ComponentChildren;
  /** Returning false keeps the text in the box (it was not sent). */
  onSend: (text: string) => boolean | void;
  composerDisabled?: boolean;
  placeholder?: string;
  showOwnNames?: boolean;
  /**
   * A message box of the surface's own instead of the plain one (the console's reply/note box),
   * given what the plain one would have been given.
   */
  composer?: (plain: { placeholder?: string; disabled?: boolean }) => ComponentChildren;
}

export function ChatView({ chat, conversation, intro, notices, onSend, composerDisabled, placeholder, showOwnNames, composer }: Props) {
  useObservable(chat, conversation);
  const [loadingOlder, setLoadingOlder] = useState(false);
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

  return (
    <div class="chat-view">
      {conversation ? (
        <MessageList
          conversation={conversation}
          intro={intro}
          onLoadOlder={loadOlder}
          onRetry={(id) => sessionId && chat.retry(sessionId, id)}
          showOwnNames={showOwnNames}
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
        />
      )}
    </div>
  );
}
