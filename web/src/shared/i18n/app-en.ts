// The customer app's own screens in English (sign-in, the directory, the list): loaded by the
// app beside the chat's texts (en.ts), never by the widget.

export const appEn = {
  'app.tagline': 'Chat with the teams behind the websites you use.',
  'app.account': 'Account',
  'app.logIn': 'Log in',
  'app.register': 'Register',
  'app.username': 'Username',
  'app.usernameHint': '3 to 30 letters, digits or _',
  'app.email': 'E-mail',
  'app.password': 'Password',
  'app.passwordHint': 'At least 8 characters',
  'app.createAccount': 'Create account',
  'app.conversations': 'Your conversations',
  'app.noConversation': 'No conversation yet. Find an organization above to start one.',
  'app.endedPrefix': '(ended) ',
  'app.find': 'Find an organization',
  'app.searchLabel': 'Search organizations by name or domain',
  'app.searchPlaceholder': 'Name or domain',
  'app.noMatch': 'No organization matches.',
  'app.signedInAs': 'Signed in as {name}',
  'app.logOut': 'Log out',
  'app.sidebar': 'Organizations and conversations',
  'app.conversation': 'Conversation',
  'app.backToList': 'Back to conversations',
  'app.welcome': 'Welcome, {name}',
  'app.welcomeText': 'Search the directory for an organization to chat with, or open one of your conversations.',
  'app.resumeLogIn': 'Log in to open the conversation from your e-mail.',
};

export type AppKey = keyof typeof appEn;
export type AppCatalogue = Record<AppKey, string>;
