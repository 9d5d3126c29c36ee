// The customer app's own screens in Spanish (español).

import type { AppCatalogue } from './app-en';

const es: AppCatalogue = {
  'app.tagline': 'Chatea con los equipos detrás de los sitios web que usas.',
  'app.account': 'Cuenta',
  'app.logIn': 'Iniciar sesión',
  'app.register': 'Registrarse',
  'app.username': 'Nombre de usuario',
  'app.usernameHint': 'De 3 a 30 letras, dígitos o _',
  'app.email': 'Correo electrónico',
  'app.password': 'Contraseña',
  'app.passwordHint': 'Al menos 8 caracteres',
  'app.createAccount': 'Crear cuenta',
  'app.conversations': 'Tus conversaciones',
  'app.noConversation': 'Todavía no hay conversaciones. Busca una organización arriba para empezar una.',
  'app.endedPrefix': '(terminada) ',
  'app.find': 'Buscar una organización',
  'app.searchLabel': 'Buscar organizaciones por nombre o dominio',
  'app.searchPlaceholder': 'Nombre o dominio',
  'app.noMatch': 'Ninguna organización coincide.',
  'app.signedInAs': 'Sesión iniciada como {name}',
  'app.logOut': 'Cerrar sesión',
  'app.sidebar': 'Organizaciones y conversaciones',
  'app.conversation': 'Conversación',
  'app.backToList': 'Volver a las conversaciones',
  'app.welcome': 'Hola, {name}',
  'app.welcomeText': 'Busca en el directorio una organización con la que chatear o abre una de tus conversaciones.',
  'app.resumeLogIn': 'Inicia sesión para abrir la conversación de tu correo.',
};

export default es;
