// The organization's sign-in rule in the settings form: whether every agent signs in with a
// second factor. The server refuses it until the admin's own second factor is on.

import { FieldError, type FieldErrors, invalidProps } from './FieldError';

const FIELD = 'settings.require_second_factor';

interface Props {
  required: boolean;
  errors: FieldErrors;
  onChange: (required: boolean) => void;
}

export function SignInSettingsFields({ required, errors, onChange }: Props) {
  return (
    <fieldset class="settings-section">
      <legend>Sign-in</legend>
      <div class="check">
        <input
          type="checkbox"
          id="require-second-factor"
          name="require_second_factor"
          checked={required}
          onChange={(e) => onChange(e.currentTarget.checked)}
          {...invalidProps(errors, FIELD, 'require-second-factor-help')}
        />
        <div>
          <label for="require-second-factor" class="label-strong">
            Require a second factor for every agent
          </label>
          <small id="require-second-factor-help" class="muted">
            Agents sign in with a code from an authenticator app besides their password. Those without one are signed out
            when you save, and set it up at their next sign-in. Turn on your own first, under My account in the top bar.
          </small>
          <FieldError errors={errors} field={FIELD} />
        </div>
      </div>
    </fieldset>
  );
}
