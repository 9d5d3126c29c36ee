// The organization's conversation periods in the settings form: the reopen window, auto-resolve
// and the answer deadline, each an amount in minutes, hours or days, or Off.

import { FieldError, type FieldErrors, invalidProps } from './FieldError';
import { type PeriodField, type PeriodUnit, withUnit } from './settings-periods';

export type PeriodKey = 'reopen_window_secs' | 'auto_resolve_after_secs' | 'answer_deadline_secs';
export type Periods = Record<PeriodKey, PeriodField>;

const PERIODS: { key: PeriodKey; label: string; help: string }[] = [
  {
    key: 'reopen_window_secs',
    label: 'Reopen window',
    help: 'A customer writing this soon after a close reopens the conversation. Off: they start a new one.',
  },
  {
    key: 'auto_resolve_after_secs',
    label: 'Close inactive conversations after',
    help: 'Conversations without a message for this long are closed, with a note saying why.',
  },
  {
    key: 'answer_deadline_secs',
    label: 'Answer deadline',
    help: 'A customer waiting this long for their agent’s answer is offered to the next agent, or back to the queue.',
  },
];

const UNITS: { value: PeriodUnit; label: string }[] = [
  { value: 'off', label: 'Off' },
  { value: 'minutes', label: 'minutes' },
  { value: 'hours', label: 'hours' },
  { value: 'days', label: 'days' },
];

interface Props {
  periods: Periods;
  errors: FieldErrors;
  onChange: (periods: Periods) => void;
}

export function PeriodFields({ periods, errors, onChange }: Props) {
  const set = (key: PeriodKey, field: PeriodField) => onChange({ ...periods, [key]: field });
  return (
    <fieldset class="settings-section">
      <legend>Conversations over time</legend>
      <p class="muted small">Each at most 30 days.</p>
      <div class="period-list">
        {PERIODS.map(({ key, label, help }) => {
          const field = periods[key];
          const path = `settings.${key}`;
          return (
            <div class="field period-field" key={key} role="group" aria-labelledby={`${key}-label`} data-period={key}>
              <span id={`${key}-label`}>{label}</span>
              <div class="period-row">
                {field.unit !== 'off' && (
                  <input
                    type="number"
                    name={key}
                    min={0}
                    step="any"
                    inputMode="decimal"
                    aria-label={`${label} (${field.unit})`}
                    value={field.amount}
                    onInput={(e) => set(key, { ...field, amount: e.currentTarget.value })}
                    {...invalidProps(errors, path, `${key}-help`)}
                  />
                )}
                <select
                  aria-label={`${label}: unit`}
                  value={field.unit}
                  onChange={(e) => set(key, withUnit(field, e.currentTarget.value as PeriodUnit))}
                  {...(field.unit === 'off' ? invalidProps(errors, path, `${key}-help`) : {})}
                >
                  {UNITS.map((u) => (
                    <option key={u.value} value={u.value}>
                      {u.label}
                    </option>
                  ))}
                </select>
              </div>
              <small id={`${key}-help`}>{help}</small>
              <FieldError errors={errors} field={path} />
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
