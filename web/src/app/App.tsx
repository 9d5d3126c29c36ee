// The customer app: sign in or register, then the home screen (opening the conversation of a
// link from an e-mail, when the app was opened by one).

import { useState } from 'preact/hooks';
import { t } from '../shared/i18n';
import { AuthScreen } from './AuthScreen';
import { Home } from './Home';
import { type Account, loadAccount, saveAccount } from './account';
import { readLink } from './link';

const link = readLink(location.search);

export function App() {
  const [account, setAccount] = useState<Account | null>(loadAccount);

  function signIn(next: Account | null) {
    saveAccount(next);
    setAccount(next);
  }

  if (!account) return <AuthScreen onSignedIn={signIn} notice={link ? t('app.resumeLogIn') : undefined} />;
  return <Home key={account.token} account={account} link={link} onSignOut={() => signIn(null)} />;
}
