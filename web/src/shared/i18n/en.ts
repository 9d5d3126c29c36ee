// The English catalogue: every text the widget and the customer app show, by key. It is part of
// the first load; the other languages are catalogues of the same keys loaded when needed.
// `{name}` placeholders are filled by t().

export const en = {
  // The widget's frame
  'widget.refused': 'This chat cannot be shown on this page.',
  'widget.unavailable': 'The chat is not available right now. {error}',
  'widget.close': 'Close chat',
  'widget.reconnecting': 'Reconnecting…',
  'widget.history': 'Your conversations',
  'widget.back': 'Back to the conversation',
  'widget.new': 'New conversation',
  'widget.noHistory': 'No conversation yet.',
  'widget.readOnly': 'This conversation has ended.',

  // A conversation in lists
  'status.waiting': 'Waiting',
  'status.active': 'Open',
  'status.closed': 'Ended',
  'list.noMessage': 'No message yet',
  'list.you': 'You: {text}',
  'list.unread': '{n} unread',

  // The chat
  'chat.messages': 'Messages',
  'chat.older': 'Load earlier messages',
  'chat.retry': 'Retry',
  'chat.note': 'Private note',
  'chat.reconnecting': 'Reconnecting… messages you write are sent when the connection is back.',
  'chat.catchingUp': 'Catching up… loading the messages you missed.',
  'chat.ended': 'This conversation has ended. Writing a message starts a new one.',
  'chat.chooseFirst': 'Choose who you would like to talk to first.',
  'chat.chooseThenWrite': 'Choose a team above, then write…',
  'chat.teamQuestion': 'Who would you like to talk to?',
  'chat.typingOne': '{name} is typing…',
  'chat.typingMany': '{names} are typing…',
  'chat.agent': 'You are chatting with {name}',
  'chat.endedShort': 'Conversation ended',

  // Check marks
  'marks.sending': 'Sending',
  'marks.failed': 'Not sent',
  'marks.sent': 'Sent',
  'marks.delivered': 'Delivered',
  'marks.read': 'Read',

  // The message box
  'composer.placeholder': 'Write a message…',
  'composer.label': 'Message',
  'composer.send': 'Send',
  'composer.tooLong': 'This message is {over} characters too long to send (at most {max}). Shorten it or split it into several messages.',
  'composer.emoji': 'Insert an emoji',
  'composer.emojiList': 'Emoji',

  // Files in the message box
  'files.attach': 'Attach files',
  'files.list': 'Files to send',
  'files.uploading': 'Uploading {name}',
  'files.cancel': 'Cancel the upload of {name}',
  'files.remove': 'Remove {name}',
  'files.tooMany': 'A message can carry at most {max} files.',
  'files.tooLarge': 'Larger than {max}, the most accepted.',
  'files.wait': 'Wait until every file is uploaded, or remove the ones that failed.',

  // Availability
  'status.online': 'We are online',
  'status.busy': 'All our agents are busy',
  'status.offline': 'We are offline',
  'status.offlineBack': 'We are offline · back {when}',
  'when.dayTime': 'on {day} at {time}',
  'wait.oneMinute': 'about 1 minute',
  'wait.minutes': 'about {n} minutes',
  'queue.next': 'You are next in line',
  'queue.number': 'You are number {n} in line',
  'queue.busy': 'All our agents are busy. {place}.',
  'queue.busyWait': 'All our agents are busy. {place}; usual wait {wait}.',
  'queue.available': '{place}. An agent will be with you shortly.',
  'status.reopens': 'We are back {when}.',
  'team.available': 'Online now',
  'team.busy': 'Busy: you may wait in line',
  'team.offline': 'Offline: leave a message',

  // Errors the browser knows itself
  'error.network': 'The server cannot be reached. Check your connection.',

  // Pre-chat form
  'prechat.intro': 'Before we start, tell us a little about you.',
  'prechat.name': 'Name',
  'prechat.email': 'E-mail',
  'prechat.phone': 'Phone',
  'prechat.optional': '{label} (optional)',
  'prechat.missing': 'Please fill this in.',
  'prechat.badEmail': 'Enter an e-mail address such as name@example.com.',
  'prechat.badPhone': 'Enter a phone number (digits, spaces, +, -, parentheses).',
  'prechat.check': 'Please complete the form above first.',

  // Asking for an e-mail address while offline
  'email.ask': 'Leave your e-mail and we will reply there.',
  'email.label': 'Your e-mail',
  'email.save': 'Save',
  'email.dismiss': 'No, thanks',
  'email.saved': 'Thanks! We will reply to {email}.',
  'email.invalid': 'Enter an e-mail address such as name@example.com.',

  // Rating a closed conversation
  'rating.ask': 'How was this conversation?',
  'rating.score': '{n} of 5',
  'rating.face1': 'Very bad',
  'rating.face2': 'Bad',
  'rating.face3': 'Okay',
  'rating.face4': 'Good',
  'rating.face5': 'Very good',
  'rating.comment': 'Anything you would like to add? (optional)',
  'rating.send': 'Send rating',
  'rating.pick': 'Choose a rating first.',
  'rating.given': 'You rated this conversation {score}.',
  'rating.thanks': 'Thank you for your feedback.',

  // The transcript by e-mail
  'transcript.send': 'Send me the transcript',
  'transcript.sent': 'The transcript is on its way to {to}.',
  'transcript.failed': 'The transcript was not sent: {reason}',

  // Opening a conversation from an e-mail link
  'resume.invalid': 'This link has expired or is not valid. Open the chat from the website again.',
  'resume.opening': 'Opening your conversation…',
};

export type Key = keyof typeof en;
/** A language's catalogue: a text for every key of the English one. */
export type Catalogue = Record<Key, string>;
