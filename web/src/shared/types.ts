// Wire types of the public REST and Socket.IO contract, as the front end uses them.
//
// REST types are aliases of the schemas of the server's OpenAPI document: `generated/api.d.ts`
// is generated from `web/openapi.json` (a snapshot refreshed by `scripts/api-snapshot`) by
// `npm run gen:api`, which the build, typecheck and test scripts run first. A server change that
// breaks a screen therefore fails the type check. Do not widen or redefine them here: types of
// the front end's own (UI state) go in the last section, built from these.

import type { components } from './generated/api';

export type { components, operations, paths } from './generated/api';

type Schemas = components['schemas'];

// ---- REST: the OpenAPI document's schemas -------------------------------------------------------

export type SenderType = Schemas['SenderType'];
export type SessionStatus = Schemas['SessionStatus'];
export type AgentStatus = Schemas['AgentStatus'];
export type Role = Schemas['Role'];
export type ErrorCode = Schemas['ErrorCode'];
export type ErrorBody = Schemas['ErrorBody'];

export type Message = Schemas['Message'];
export type HistoryPage = Schemas['HistoryPage'];

/** What anyone may see of an organization (`GET /api/organizations/discover/{domain}`). */
export type PublicOrganization = Schemas['PublicOrganization'];
export type OrgSettings = Schemas['OrgSettings'];
/** The public profile plus settings, as the organization's own agents see it. */
export type OrganizationDetail = Schemas['OrganizationDetail'];

/** One side's delivered/read marks (the document's `ReadState`). */
export type SideMarks = Schemas['ReadState'];
/** Both sides' marks of a conversation (the document's `ReadStates`). */
export type ReadState = Schemas['ReadStates'];
/** The two sides of a conversation, for marks and typing. */
export type Side = keyof ReadState;

export type AgentRef = Schemas['AgentRef'];
/** A conversation as lists return it (no assigned agent, no marks). */
export type Session = Schemas['Session'];
/** A conversation fetched on its own (`GET /api/sessions/{id}`): with the agent and both marks. */
export type SessionView = Schemas['SessionView'];
/** A customer's conversation as `GET /api/sessions` lists it. */
export type ClientSession = Schemas['ClientSessionView'];

export type Agent = Schemas['Agent'];
export type Client = Schemas['Client'];

// The agents' workspace: notes' mentions, labels and priority, canned replies, the customer
// panel and search.
export type Priority = Schemas['Priority'];
export type Label = Schemas['Label'];
export type Mention = Schemas['Mention'];
export type CannedReply = Schemas['CannedReply'];
export type Contact = Schemas['Contact'];
export type ContactView = Schemas['ContactView'];
/** What the widget saw when a conversation started, as agents read it. */
export type VisitContext = Schemas['VisitContext'];
/** What a customer's browser reports when opening a conversation. */
export type ReportedContext = Schemas['ReportedContext'];
export type SearchHit = Schemas['SearchHit'];
/** A team of the organization's agents with its own queue (`GET /api/teams`). */
export type Team = Schemas['Team'];
/** A team as customers choose it: its name and availability (the public profile's `teams`). */
export type PublicTeam = Schemas['PublicTeam'];
export type Availability = Schemas['Availability'];
export type Snippet = Schemas['Snippet'];

// The customer's side: languages, the pre-chat form, ratings.
export type Locale = Schemas['Locale'];
export type RatingStyle = Schemas['RatingStyle'];
/** A conversation's rating by its customer. */
export type Rating = Schemas['Rating'];
/** The questions an organization asks before the first message. */
export type PrechatForm = Schemas['PrechatForm'];
export type PrechatAsk = Schemas['Ask'];
export type CustomField = Schemas['CustomField'];
export type PrechatAnswers = Schemas['PrechatAnswers'];

// Request bodies.
export type RegisterInput = Schemas['RegisterInput'];
export type ClientLoginInput = Schemas['ClientLoginInput'];
export type LoginInput = Schemas['LoginInput'];
export type VisitorInput = Schemas['VisitorInput'];
export type OpenSessionInput = Schemas['OpenSessionInput'];
export type UpdateOrganizationInput = Schemas['UpdateOrganizationInput'];
export type SettingsInput = Schemas['SettingsInput'];
export type CreateAgentInput = Schemas['CreateAgentInput'];
export type UpdateAgentInput = Schemas['UpdateAgentInput'];

// ---- Socket.IO: the AsyncAPI contract (not generated; kept to what the client uses) -------------

/**
 * Acknowledgement of every client→server socket event. Errors carry the API's codes, plus
 * `offline` and `timeout` that the chat client makes up when it could not ask.
 */
export type Ack<T = object> = ({ ok: true } & T) | { ok: false; error: ErrorCode | 'offline' | 'timeout'; message: string };

export interface TypingEvent {
  session_id: string;
  user_id: string;
  user_type: Side;
  name: string;
}

export interface MarksEvent {
  session_id: string;
  side: Side;
  seq: number;
}

// ---- The front end's own types ------------------------------------------------------------------

/**
 * A conversation as the console keeps it: lists and `new_session` give a `Session`; fetching it
 * alone (`SessionView`) and `agent_assigned` events add the assigned agent and the marks.
 */
export type ConsoleSession = Session & Partial<Pick<SessionView, 'assigned_agent' | 'read_state' | 'rating'>>;
