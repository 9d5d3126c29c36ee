// The organization's pre-chat questions, above the message box before the first message. The
// answers go with the first message; what is missing or malformed is said at the field.

import { t } from '../i18n';
import type { PrechatErrors, PrechatValues, Question } from '../prechat';

interface Props {
  questions: Question[];
  values: PrechatValues;
  errors: PrechatErrors;
  /** The server's own words about an answer it refused, by question. */
  refused: Record<string, string>;
  onChange: (values: PrechatValues) => void;
}

export function PrechatFields({ questions, values, errors, refused, onChange }: Props) {
  return (
    <fieldset class="prechat" data-prechat="">
      <legend>{t('prechat.intro')}</legend>
      {questions.map((q) => {
        const id = `prechat-${q.id.replace('.', '-')}`;
        const label = 'key' in q.label ? t(q.label.key) : q.label.text;
        const problem = errors[q.id] ? t(errors[q.id]) : refused[q.id];
        return (
          <div key={q.id} class="prechat-field">
            <label for={id}>{q.required ? label : t('prechat.optional', { label })}</label>
            <input
              id={id}
              type={q.type}
              name={q.id}
              value={values[q.id] ?? ''}
              required={q.required}
              autocomplete={q.type === 'email' ? 'email' : q.type === 'tel' ? 'tel' : q.id === 'name' ? 'name' : 'off'}
              aria-invalid={problem ? 'true' : undefined}
              aria-describedby={problem ? `${id}-error` : undefined}
              onInput={(e) => onChange({ ...values, [q.id]: e.currentTarget.value })}
              data-question={q.id}
            />
            {problem && (
              <small id={`${id}-error`} class="error-text">
                {problem}
              </small>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}
