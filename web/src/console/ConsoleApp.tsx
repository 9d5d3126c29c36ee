// The agent console: log in, then the workspace. A stored token that ran out while the console
// was closed is renewed with the sign-in's refresh cookie before the workspace opens; so is the
// first token after a single sign-on, whose callback set the cookie and opened `?sso=signed_in`.

import { useEffect, useState } from 'preact/hooks';
import { Login } from './Login';
import { WorkspaceView } from './WorkspaceView';
import { type AgentAccount, loadAgentAccount, saveAgentAccount } from './account';
import { ssoReturn, withoutSsoParams } from './sso-sign-in';
import { signInOf } from './token-claims';
import { refreshDue, refreshSignIn } from './token-refresh';

/** What a single sign-on said on the way back, read once; the address is cleaned of it. */
function takeSsoReturn() {
  const said = ssoReturn(location.search);
  if (said) history.replaceState(history.state, '', withoutSsoParams(location.href));
  return said;
}

export function ConsoleApp() {
  const [sso] = useState(takeSsoReturn);
  const [account, setAccount] = useState<AgentAccount | null>(loadAgentAccount);
  const [notice, setNotice] = useState(sso && 'error' in sso ? sso.error : '');
  const [resuming, setResuming] = useState(
    () => (sso !== null && 'signedIn' in sso) || (account !== null && refreshDue(account.token)),
  );

  function signIn(next: AgentAccount | null) {
    saveAgentAccount(next);
    setAccount(next);
  }

  useEffect(() => {
    if (!resuming) return;
    refreshSignIn()
      // Null: the sign-in ended, so the sign-in screen.
      .then(
        (next) => {
          if (!next && sso) setNotice('Single sign-on did not finish. Sign in again.');
          signIn(next);
        },
        () => {
          // The server cannot be asked now: the workspace opens and renews when it can.
          if (sso) setNotice('The server could not be reached to finish signing in. Try again.');
        },
      )
      .finally(() => setResuming(false));
  }, []);

  if (!account && !resuming) return <Login onSignedIn={signIn} notice={notice} />;
  if (resuming || !account) {
    return (
      <p class="muted" aria-busy="true">
        Signing in…
      </p>
    );
  }
  // Keyed by the sign-in: a renewed token keeps the workspace, signing in again starts a new one.
  return <WorkspaceView key={signInOf(account.agent.id, account.token)} account={account} onSignOut={() => signIn(null)} onRenewed={signIn} />;
}
