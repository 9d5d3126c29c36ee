// The central directory: find an organization (online ones first) and start chatting.

import { dotClass } from '../shared/availability';
import { useEffect, useState } from 'preact/hooks';
import { type Api, errorText } from '../shared/api';
import { t } from '../shared/i18n';
import type { PublicOrganization } from '../shared/types';

export function Directory({ api, onPick }: { api: Api; onPick: (org: PublicOrganization) => void }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<PublicOrganization[] | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      api
        .directory(query.trim(), 8)
        .then(({ organizations }) => !cancelled && (setResults(organizations), setError('')))
        .catch((e) => !cancelled && setError(errorText(e)));
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [query]);

  return (
    <section class="directory" aria-labelledby="directory-title">
      <h2 id="directory-title" class="section-title">
        {t('app.find')}
      </h2>
      <input
        type="search"
        aria-label={t('app.searchLabel')}
        placeholder={t('app.searchPlaceholder')}
        value={query}
        onInput={(e) => setQuery(e.currentTarget.value)}
      />
      {error && <p class="error-text">{error}</p>}
      {results && results.length === 0 && <p class="muted small">{t('app.noMatch')}</p>}
      <ul class="org-results">
        {results?.map((org) => (
          <li key={org.id}>
            <button type="button" class="org-result" onClick={() => onPick(org)} data-domain={org.domain}>
              <span class={dotClass(org)} aria-hidden="true" />
              <span class="org-name"><bdi>{org.name}</bdi></span>
              <span class="muted small">{org.domain}</span>
              <span class="sr-only">{org.availability}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
