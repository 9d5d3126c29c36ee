// The customer app's own screens in French (français).

import type { AppCatalogue } from './app-en';

const fr: AppCatalogue = {
  'app.tagline': 'Discutez avec les équipes des sites web que vous utilisez.',
  'app.account': 'Compte',
  'app.logIn': 'Se connecter',
  'app.register': 'S’inscrire',
  'app.username': 'Nom d’utilisateur',
  'app.usernameHint': '3 à 30 lettres, chiffres ou _',
  'app.email': 'E-mail',
  'app.password': 'Mot de passe',
  'app.passwordHint': 'Au moins 8 caractères',
  'app.createAccount': 'Créer un compte',
  'app.conversations': 'Vos conversations',
  'app.noConversation': 'Aucune conversation pour l’instant. Trouvez une organisation ci-dessus pour en commencer une.',
  'app.endedPrefix': '(terminée) ',
  'app.find': 'Trouver une organisation',
  'app.searchLabel': 'Rechercher des organisations par nom ou domaine',
  'app.searchPlaceholder': 'Nom ou domaine',
  'app.noMatch': 'Aucune organisation ne correspond.',
  'app.signedInAs': 'Connecté en tant que {name}',
  'app.logOut': 'Se déconnecter',
  'app.sidebar': 'Organisations et conversations',
  'app.conversation': 'Conversation',
  'app.backToList': 'Retour aux conversations',
  'app.welcome': 'Bienvenue, {name}',
  'app.welcomeText': 'Cherchez une organisation dans l’annuaire ou ouvrez l’une de vos conversations.',
  'app.resumeLogIn': 'Connectez-vous pour ouvrir la conversation de votre e-mail.',
};

export default fr;
