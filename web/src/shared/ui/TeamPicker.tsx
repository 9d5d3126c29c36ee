// Who the customer wants to talk to, before their first message: one radio button per team the
// organization offers, each with whether it can answer now.

import { dotClass } from '../availability';
import { t } from '../i18n';
import { availabilityName } from '../teams';
import type { PublicTeam } from '../types';

interface Props {
  teams: PublicTeam[];
  chosen: string | null;
  onChoose: (teamId: string) => void;
}

export function TeamPicker({ teams, chosen, onChoose }: Props) {
  return (
    <fieldset class="team-picker" data-team-picker="">
      <legend>{t('chat.teamQuestion')}</legend>
      <div class="team-options">
        {teams.map((t) => (
          <label key={t.id} class={t.id === chosen ? 'team-option chosen' : 'team-option'} data-team-option={t.name} data-availability={t.availability}>
            <input type="radio" name="team" value={t.id} checked={t.id === chosen} onChange={() => onChoose(t.id)} />
            <span class="team-option-name">{t.name}</span>
            <span class="team-option-state">
              <span class={dotClass(t)} aria-hidden="true" /> {availabilityName(t.availability)}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
