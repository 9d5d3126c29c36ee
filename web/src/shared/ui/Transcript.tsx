// "Send me the transcript" on a closed conversation: the server says where it goes (the address
// partly hidden) or why it does not, and that is what the customer reads.

import { useState } from 'preact/hooks';
import { errorText } from '../api';
import { t } from '../i18n';
import type { Inbox } from '../inbox';

export function Transcript({ inbox, sessionId }: { inbox: Inbox; sessionId: string }) {
  const [answer, setAnswer] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function ask() {
    setBusy(true);
    try {
      setAnswer({ ok: true, text: t('transcript.sent', { to: await inbox.sendTranscript(sessionId) }) });
    } catch (e) {
      setAnswer({ ok: false, text: t('transcript.failed', { reason: errorText(e) }) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="transcript" data-transcript="">
      {answer ? (
        <p class={answer.ok ? 'ok-text' : 'error-text'} role="status">
          {answer.text}
        </p>
      ) : (
        <button type="button" class="link" onClick={() => void ask()} disabled={busy}>
          {t('transcript.send')}
        </button>
      )}
    </div>
  );
}
