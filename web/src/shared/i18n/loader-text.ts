// The few texts of the widget loader (the launcher, the unread preview), in every language. The
// loader must stay a few KB, so it carries this small table instead of the chat window's
// catalogues; a unit test keeps it complete.

import type { Locale } from './locales';

export interface LoaderText {
  /** The launcher while the chat is closed. */
  open: string;
  /** The launcher while the chat is open. */
  close: string;
  /** Added to the launcher's label. */
  unread: string;
  /** The chat window's frame. */
  frame: string;
  /** The unread preview's close button. */
  dismiss: string;
}

export const LOADER_TEXT: Record<Locale, LoaderText> = {
  en: { open: 'Open chat with {name}', close: 'Close chat with {name}', unread: '{n} unread', frame: 'Chat with {name}', dismiss: 'Dismiss' },
  de: { open: 'Chat mit {name} öffnen', close: 'Chat mit {name} schließen', unread: '{n} ungelesen', frame: 'Chat mit {name}', dismiss: 'Ausblenden' },
  fr: { open: 'Ouvrir le chat avec {name}', close: 'Fermer le chat avec {name}', unread: '{n} non lu(s)', frame: 'Chat avec {name}', dismiss: 'Masquer' },
  es: { open: 'Abrir el chat con {name}', close: 'Cerrar el chat con {name}', unread: '{n} sin leer', frame: 'Chat con {name}', dismiss: 'Descartar' },
  ar: { open: 'فتح المحادثة مع {name}', close: 'إغلاق المحادثة مع {name}', unread: '{n} غير مقروءة', frame: 'محادثة مع {name}', dismiss: 'إخفاء' },
};
