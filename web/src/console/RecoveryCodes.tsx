// The ten recovery codes of a second factor just turned on, shown this once: copy them, then
// continue. Focus starts on the warning, so it is read first.

import { useEffect, useRef, useState } from 'preact/hooks';
import { copyText } from './copy-text';
import { recoveryCodesText } from './second-factor';
import './second-factor.css';

interface Props {
  codes: string[];
  onContinue: () => void;
}

export function RecoveryCodes({ codes, onContinue }: Props) {
  const [copied, setCopied] = useState('');
  const warning = useRef<HTMLParagraphElement>(null);
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => warning.current?.focus(), []);

  return (
    <div class="recovery-codes">
      <p ref={warning} class="recovery-warning" tabIndex={-1}>
        <strong>Save these recovery codes now: they are shown only once.</strong> Each one signs you in once instead of
        the app's code, when your phone is not at hand. Keep them somewhere safe, such as a password manager.
      </p>
      <ol ref={list} class="recovery-list" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code data-recovery-code="">{c}</code>
          </li>
        ))}
      </ol>
      <div class="row-actions">
        <button type="button" class="btn" onClick={async () => setCopied(await copyText(recoveryCodesText(codes), list.current))}>
          Copy codes
        </button>
        <span class="muted small" role="status">
          {copied}
        </span>
      </div>
      <button type="button" class="btn btn-primary wide" onClick={onContinue}>
        Continue
      </button>
    </div>
  );
}
