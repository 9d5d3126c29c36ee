// "John is typing…", announced politely to screen readers.

import { t } from '../i18n';

export function Typing({ names }: { names: string[] }) {
  const text = names.length === 0 ? '' : names.length === 1 ? t('chat.typingOne', { name: names[0] }) : t('chat.typingMany', { names: names.join(', ') });
  return (
    <div class="typing" aria-live="polite" data-typing={names.length > 0 ? 'true' : 'false'}>
      {text}
    </div>
  );
}
