// A form field's problem, as the server named it (`fields` of a validation_failed answer) or
// as the form found it: shown under the field and tied to it for screen readers.

/** Each bad field's dotted path (`settings.reopen_window_secs`) and its problem. */
export type FieldErrors = Record<string, string>;

/** The element id of a field's problem text. */
export function errorId(field: string): string {
  return `error-${field.replace(/[^a-z0-9]+/gi, '-')}`;
}

/** Marks a control invalid and points it at its problem, when it has one. */
export function invalidProps(errors: FieldErrors, field: string, describedBy?: string) {
  const bad = !!errors[field];
  const ids = [describedBy, bad ? errorId(field) : undefined].filter(Boolean).join(' ');
  return { 'aria-invalid': bad ? ('true' as const) : undefined, 'aria-describedby': ids || undefined };
}

export function FieldError({ errors, field }: { errors: FieldErrors; field: string }) {
  const text = errors[field];
  if (!text) return null;
  // The server words a problem to follow the field's name ("must be …"); here it stands alone.
  return (
    <small id={errorId(field)} class="field-error">
      {text.charAt(0).toUpperCase() + text.slice(1)}
    </small>
  );
}
