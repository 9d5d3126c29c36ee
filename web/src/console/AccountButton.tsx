// The signed-in agent's name in the top bar, opening My account (sign-in security, devices).
// The dialog's code loads when first opened.

import { useState } from 'preact/hooks';
import type { AgentAccount } from './account';
import { lazy } from './Lazy';

const AccountDialog = lazy(() => import('./AccountDialog').then((m) => m.AccountDialog));

interface Props {
  name: string;
  onRenewed: (account: AgentAccount) => void;
  /** This console's sign-in ended (the agent signed out everywhere). */
  onSignOut: () => void;
}

export function AccountButton({ name, onRenewed, onSignOut }: Props) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class="btn account-button" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
          <circle cx="12" cy="8" r="4" stroke="currentColor" stroke-width="2.2" fill="none" />
          <path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7" stroke="currentColor" stroke-width="2.2" fill="none" />
        </svg>
        <span class="sr-only">My account: </span>
        <span class="topbar-label">{name}</span>
      </button>
      {open && <AccountDialog onClose={() => setOpen(false)} onRenewed={onRenewed} onSignOut={onSignOut} />}
    </>
  );
}
