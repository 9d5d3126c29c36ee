// My account: who is signed in, and their sign-in security (second factor, devices). Loaded
// when first opened.

import type { AgentAccount } from './account';
import { SignInSecurity } from './SignInSecurity';
import { ToolDialog } from './ToolDialog';
import { useTools } from './tools';

interface Props {
  onClose: () => void;
  onRenewed: (account: AgentAccount) => void;
  /** This console's sign-in ended (the agent signed out everywhere). */
  onSignOut: () => void;
}

export function AccountDialog({ onClose, onRenewed, onSignOut }: Props) {
  const { workspace } = useTools();
  const me = workspace.me;
  return (
    <ToolDialog title="My account" kind="account-dialog" onClose={onClose}>
      <p class="account-who">
        <strong>{me.name}</strong> <span class="muted">{me.email}</span> <span class="muted">({me.role})</span>
      </p>
      <SignInSecurity onRenewed={onRenewed} onSignOut={onSignOut} />
    </ToolDialog>
  );
}
