// The customer app's own screens in German (Deutsch).

import type { AppCatalogue } from './app-en';

const de: AppCatalogue = {
  'app.tagline': 'Chatten Sie mit den Teams hinter den Websites, die Sie nutzen.',
  'app.account': 'Konto',
  'app.logIn': 'Anmelden',
  'app.register': 'Registrieren',
  'app.username': 'Benutzername',
  'app.usernameHint': '3 bis 30 Buchstaben, Ziffern oder _',
  'app.email': 'E-Mail',
  'app.password': 'Passwort',
  'app.passwordHint': 'Mindestens 8 Zeichen',
  'app.createAccount': 'Konto erstellen',
  'app.conversations': 'Ihre Unterhaltungen',
  'app.noConversation': 'Noch keine Unterhaltung. Suchen Sie oben eine Organisation, um eine zu beginnen.',
  'app.endedPrefix': '(beendet) ',
  'app.find': 'Organisation finden',
  'app.searchLabel': 'Organisationen nach Name oder Domain suchen',
  'app.searchPlaceholder': 'Name oder Domain',
  'app.noMatch': 'Keine Organisation gefunden.',
  'app.signedInAs': 'Angemeldet als {name}',
  'app.logOut': 'Abmelden',
  'app.sidebar': 'Organisationen und Unterhaltungen',
  'app.conversation': 'Unterhaltung',
  'app.backToList': 'Zurück zu den Unterhaltungen',
  'app.welcome': 'Willkommen, {name}',
  'app.welcomeText': 'Suchen Sie im Verzeichnis nach einer Organisation oder öffnen Sie eine Ihrer Unterhaltungen.',
  'app.resumeLogIn': 'Melden Sie sich an, um die Unterhaltung aus Ihrer E-Mail zu öffnen.',
};

export default de;
