// The customer app: sign in or register, then the home screen.

import { useState } from 'preact/hooks';
import { AuthScreen } from './AuthScreen';
import { Home } from './Home';
import { type Account, loadAccount, saveAccount } from './account';

export function App() {
  const [account, setAccount] = useState<Account | null>(loadAccount);

  function signIn(next: Account | null) {
    saveAccount(next);
    setAccount(next);
  }

  if (!account) return <AuthScreen onSignedIn={signIn} />;
  return <Home key={account.token} account={account} onSignOut={() => signIn(null)} />;
}
