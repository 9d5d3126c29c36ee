// Entities as the API sends them, with plausible values, for unit tests: one place to follow
// the API's shape as it grows.

import type { PublicOrganization, Session } from '../src/shared/types';

/** A waiting conversation of organization `org`, with `extra` over the defaults. */
export function sessionFixture(id: string, extra: Partial<Session> = {}): Session {
  return {
    id,
    organization_id: 'org',
    client_id: 'client-1',
    client_name: 'Alice',
    client_email: null,
    agent_id: null,
    status: 'waiting',
    subject: null,
    last_seq: 0,
    last_message_at: null,
    queued_at: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    closed_at: null,
    priority: 'none',
    labels: [],
    preview: null,
    assigned_at: null,
    snoozed: false,
    snoozed_until: null,
    awaiting_since: null,
    first_response_at: null,
    team_id: null,
    ...extra,
  };
}

/** The public profile of organization `org` (available, no teams, nothing asked), with `extra`. */
export function profileFixture(extra: Partial<PublicOrganization> = {}): PublicOrganization {
  return {
    id: 'org',
    name: 'Sample Inc.',
    domain: 'sample.com',
    welcome_message: 'Hi!',
    offline_message: 'Offline',
    widget_color: '#2563eb',
    online: true,
    availability: 'available',
    reopens: null,
    usual_wait_secs: null,
    teams: [],
    email_follow_up: false,
    rating_style: 'numbers',
    prechat: null,
    default_locale: 'en',
    texts: {},
    attachments: { max_file_bytes: 10 * 1024 * 1024, types: ['image', 'pdf', 'text', 'office', 'archive'] },
    ...extra,
  };
}
