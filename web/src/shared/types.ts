// Wire types of the public REST and Socket.IO contract, as the front end uses them.

export type SenderType = 'client' | 'agent' | 'system';
export type Side = 'client' | 'agent';
export type SessionStatus = 'waiting' | 'active' | 'closed';
export type AgentStatus = 'active' | 'busy' | 'inactive';
export type Role = 'agent' | 'supervisor' | 'admin';

export interface Message {
  id: string;
  organization_id: string;
  session_id: string;
  seq: number;
  sender_type: SenderType;
  sender_id?: string | null;
  sender_name: string;
  content: string;
  client_msg_id?: string | null;
  created_at: string;
}

export interface PublicOrganization {
  id: string;
  name: string;
  domain: string;
  welcome_message: string;
  offline_message: string;
  widget_color: string;
  online: boolean;
}

export interface OrgSettings {
  welcome_message: string;
  offline_message: string;
  widget_color: string;
  max_concurrent_sessions: number;
  widget_identity_secret?: string | null;
  business_hours?: unknown;
}

export interface OrganizationDetail extends PublicOrganization {
  settings?: OrgSettings | null;
  created_at: string;
  updated_at: string;
}

export interface SideMarks {
  delivered_seq: number;
  read_seq: number;
}

export type ReadState = Record<Side, SideMarks>;

export interface AgentRef {
  id: string;
  name: string;
}

export interface Session {
  id: string;
  organization_id: string;
  client_id: string;
  client_name: string;
  client_email?: string | null;
  agent_id?: string | null;
  /** Present once the server includes it; older servers leave it out. */
  assigned_agent?: AgentRef | null;
  status: SessionStatus;
  /** Both sides' marks, when the server includes them (see docs/web.md). */
  read_state?: ReadState | null;
  subject?: string | null;
  last_seq: number;
  last_message_at?: string | null;
  queued_at?: string | null;
  created_at: string;
  updated_at: string;
  closed_at?: string | null;
}

/** A customer's conversation as `GET /api/sessions` lists it. */
export interface ClientSession extends Session {
  organization: PublicOrganization;
  last_message?: Message | null;
  unread_count: number;
}

export interface Agent {
  id: string;
  organization_id: string;
  name: string;
  email: string;
  role: Role;
  status: AgentStatus;
  online: boolean;
  max_concurrent_sessions?: number | null;
  last_assigned_at?: string | null;
  created_at: string;
  updated_at: string;
}

export interface Client {
  id: string;
  username?: string | null;
  email?: string | null;
  name?: string | null;
  organization_id?: string | null;
  external_id?: string | null;
  created_at: string;
}

export interface HistoryPage {
  messages: Message[];
  has_more: boolean;
}

/** Acknowledgement of every client→server socket event. */
export type Ack<T = object> = ({ ok: true } & T) | { ok: false; error: string; message: string };

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
