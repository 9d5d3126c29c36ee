// The agent console: log in, then the workspace.

import { useState } from 'preact/hooks';
import { Login } from './Login';
import { WorkspaceView } from './WorkspaceView';
import { type AgentAccount, loadAgentAccount, saveAgentAccount } from './account';

export function ConsoleApp() {
  const [account, setAccount] = useState<AgentAccount | null>(loadAgentAccount);

  function signIn(next: AgentAccount | null) {
    saveAgentAccount(next);
    setAccount(next);
  }

  if (!account) return <Login onSignedIn={signIn} />;
  return <WorkspaceView key={account.token} account={account} onSignOut={() => signIn(null)} onRenewed={signIn} />;
}
