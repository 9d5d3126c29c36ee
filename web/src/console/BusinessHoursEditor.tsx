// The organization's business hours in the settings form: always open, or set hours in a time
// zone (the browser's is offered first), each weekday open at one or more periods or closed,
// and days off. The server's problems with the hours show next to the part they name.

import { useMemo, useState } from 'preact/hooks';
import { FieldError, type FieldErrors, errorId } from './FieldError';
import {
  DAYS,
  DAY_NAMES,
  type Day,
  type HoursForm,
  MAX_SPANS,
  MAX_SPANS_PER_DAY,
  type Span,
  browserZone,
  browserZones,
  nextSpan,
  placeHoursError,
  spanCount,
  zoneOptions,
} from './business-hours';

interface Props {
  hours: HoursForm;
  errors: FieldErrors;
  onChange: (hours: HoursForm) => void;
  /** The request field the server names in its problems. */
  field?: string;
  /** Prefixes the ids, so that several editors fit on one page. */
  scope?: string;
  /** What "no hours" means here: always open, or (for a team) the organization's hours. */
  offLabel?: string;
  help?: string;
}

export function BusinessHoursEditor({
  hours,
  errors,
  onChange,
  field: FIELD = 'settings.business_hours',
  scope = 'hours',
  offLabel = 'Always open',
  help = 'Outside these hours nobody is given a conversation and customers see the offline message.',
}: Props) {
  const zones = useMemo(() => zoneOptions(browserZones(), hours.timeZone, browserZone()), [hours.timeZone]);
  const problem = errors[FIELD] ? placeHoursError(errors[FIELD]) : null;
  const partError = (part: string, day?: Day) =>
    problem && problem.part === part && (!day || (problem.part === 'day' && problem.day === day)) ? problem.text : '';
  const setDay = (day: Day, spans: Span[]) => onChange({ ...hours, days: { ...hours.days, [day]: spans } });
  const full = spanCount(hours) >= MAX_SPANS;

  return (
    <fieldset class="settings-section hours-editor" aria-describedby={problem?.part === 'hours' ? errorId(FIELD) : undefined}>
      <legend>Business hours</legend>
      <p class="muted small">{help}</p>
      <div class="hours-mode">
        <label class="check">
          <input type="radio" name={`${scope}-mode`} checked={!hours.enabled} onChange={() => onChange({ ...hours, enabled: false })} />
          {offLabel}
        </label>
        <label class="check">
          <input type="radio" name={`${scope}-mode`} checked={hours.enabled} onChange={() => onChange({ ...hours, enabled: true })} />
          Open at set hours
        </label>
      </div>
      {problem?.part === 'hours' && <FieldError errors={{ [FIELD]: problem.text }} field={FIELD} />}
      {hours.enabled && (
        <>
          <label class="field hours-zone">
            <span>Time zone</span>
            <select
              name="time_zone"
              value={hours.timeZone}
              onChange={(e) => onChange({ ...hours, timeZone: e.currentTarget.value })}
              aria-invalid={partError('time_zone') ? 'true' : undefined}
              aria-describedby={partError('time_zone') ? `${scope}-zone-error` : undefined}
            >
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
            <PartError id={`${scope}-zone-error`} text={partError('time_zone')} />
          </label>
          <p class="muted small" id={`${scope}-midnight`}>
            A close at midnight (00:00, or 12:00 AM) is the end of the day.
          </p>
          <div class="hours-week">
            {DAYS.map((day) => (
              <DayHours key={day} scope={scope} day={day} spans={hours.days[day]} full={full} error={partError('day', day)} onChange={(spans) => setDay(day, spans)} />
            ))}
          </div>
          <DaysOff scope={scope} daysOff={hours.daysOff} error={partError('days_off')} onChange={(daysOff) => onChange({ ...hours, daysOff })} />
        </>
      )}
    </fieldset>
  );
}

function PartError({ id, text }: { id: string; text: string }) {
  return text ? (
    <small id={id} class="field-error">
      {text}
    </small>
  ) : null;
}

interface DayProps {
  scope: string;
  day: Day;
  spans: Span[];
  /** The week has as many periods as the server takes. */
  full: boolean;
  error: string;
  onChange: (spans: Span[]) => void;
}

function DayHours({ scope, day, spans, full, error, onChange }: DayProps) {
  const name = DAY_NAMES[day];
  const open = spans.length > 0;
  const errId = `${scope}-${day}-error`;
  const edit = (i: number, change: Partial<Span>) => onChange(spans.map((s, j) => (j === i ? { ...s, ...change } : s)));
  return (
    <div class="hours-day" data-day={day} role="group" aria-labelledby={`${scope}-${day}-name`}>
      <label class="check hours-day-name">
        <input type="checkbox" checked={open} disabled={!open && full} onChange={() => onChange(open ? [] : [nextSpan([])])} />
        <span id={`${scope}-${day}-name`}>{name}</span>
      </label>
      <div class="hours-spans">
        {!open && <span class="muted">Closed</span>}
        {spans.map((s, i) => (
          <div class="hours-span" key={i}>
            <input
              type="time"
              aria-label={`${name} opens${spans.length > 1 ? ` (${i + 1})` : ''}`}
              value={s.open}
              onInput={(e) => edit(i, { open: e.currentTarget.value })}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={error ? errId : undefined}
            />
            <span aria-hidden="true">–</span>
            <input
              type="time"
              aria-label={`${name} closes${spans.length > 1 ? ` (${i + 1})` : ''}`}
              value={s.close}
              onInput={(e) => edit(i, { close: e.currentTarget.value })}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={[error ? errId : '', `${scope}-midnight`].filter(Boolean).join(' ')}
            />
            {spans.length > 1 && (
              <button type="button" class="btn btn-small" aria-label={`Remove ${name} ${s.open}–${s.close}`} onClick={() => onChange(spans.filter((_, j) => j !== i))}>
                ×
              </button>
            )}
          </div>
        ))}
        {open && spans.length < MAX_SPANS_PER_DAY && !full && (
          <button type="button" class="link small" onClick={() => onChange([...spans, nextSpan(spans)])} aria-label={`Add hours on ${name}`}>
            Add hours
          </button>
        )}
        <PartError id={errId} text={error} />
      </div>
    </div>
  );
}

interface DaysOffProps {
  scope: string;
  daysOff: string[];
  error: string;
  onChange: (daysOff: string[]) => void;
}

function DaysOff({ scope, daysOff, error, onChange }: DaysOffProps) {
  const [adding, setAdding] = useState('');
  const add = () => {
    if (adding && !daysOff.includes(adding)) onChange([...daysOff, adding].sort());
    setAdding('');
  };
  return (
    <div class="hours-days-off" role="group" aria-labelledby={`${scope}-days-off-title`}>
      <h3 id={`${scope}-days-off-title`} class="label-strong">
        Days off
      </h3>
      {daysOff.length === 0 ? (
        <p class="muted small">None: open on every date at the hours above.</p>
      ) : (
        <ul class="days-off-list">
          {daysOff.map((d) => (
            <li key={d} data-day-off={d}>
              <span>{dateText(d)}</span>
              <button type="button" class="btn btn-small" aria-label={`Remove day off ${dateText(d)}`} onClick={() => onChange(daysOff.filter((x) => x !== d))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="days-off-add">
        <input
          type="date"
          aria-label="Day off to add"
          value={adding}
          onInput={(e) => setAdding(e.currentTarget.value)}
          onKeyDown={(e) => {
            // Enter adds the date rather than saving the whole form.
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? `${scope}-days-off-error` : undefined}
        />
        <button type="button" class="btn" onClick={add} disabled={!adding}>
          Add day off
        </button>
      </div>
      <PartError id={`${scope}-days-off-error`} text={error} />
    </div>
  );
}

/** "Fri 25 Dec 2026" for a YYYY-MM-DD date, read as that calendar day wherever the browser is. */
function dateText(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const local = new Date(y, m - 1, d);
  if (Number.isNaN(local.getTime())) return date;
  return local.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
}
