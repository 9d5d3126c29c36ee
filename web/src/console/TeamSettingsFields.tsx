// The organization's team settings in the settings form: whether customers choose a team before
// their first message, and whether supervisors see every conversation or only their teams'.

import type { OrganizationDetail } from '../shared/types';

export interface TeamRules {
  team_choice: boolean;
  supervisors_see_all: boolean;
}

/** The organization's rules as saved (the server's defaults when it does not say). */
export function teamRulesOf(org: OrganizationDetail): TeamRules {
  return {
    team_choice: org.settings?.team_choice ?? false,
    supervisors_see_all: org.settings?.supervisors_see_all ?? true,
  };
}

const RULES: { key: keyof TeamRules; label: string; help: string }[] = [
  {
    key: 'team_choice',
    label: 'Customers choose a team',
    help: 'Before their first message, the widget and the app list your teams with whether each can answer now.',
  },
  {
    key: 'supervisors_see_all',
    label: 'Supervisors see every conversation',
    help: 'Off: supervisors see the conversations of their own teams and their own only. Admins always see everything.',
  },
];

export function TeamSettingsFields({ rules, onChange }: { rules: TeamRules; onChange: (rules: TeamRules) => void }) {
  return (
    <fieldset class="settings-section">
      <legend>Teams</legend>
      {RULES.map(({ key, label, help }) => (
        <div class="check" key={key}>
          <input
            type="checkbox"
            id={`rule-${key}`}
            name={key}
            checked={rules[key]}
            aria-describedby={`rule-${key}-help`}
            onChange={(e) => onChange({ ...rules, [key]: e.currentTarget.checked })}
          />
          <div>
            <label for={`rule-${key}`} class="label-strong">
              {label}
            </label>
            <small id={`rule-${key}-help`} class="muted">
              {help}
            </small>
          </div>
        </div>
      ))}
    </fieldset>
  );
}
