// A small client written against the types generated from the served OpenAPI document
// (`openapi-typescript` into generated/api.d.ts). It is only type-checked (`tsc --noEmit`):
// if the document loses an operation, a parameter, a required field or an error code, this
// file stops compiling.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api";

type Schemas = components["schemas"];
type ErrorCode = Schemas["ErrorCode"];

const api = createClient<paths>({ baseUrl: "http://localhost:8080" });

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** What a client shows for each error code; exhaustive, so a new code must be handled here. */
export function explain(code: ErrorCode): string {
  switch (code) {
    case "validation_failed":
      return "check the highlighted fields";
    case "unauthorized":
      return "sign in again";
    case "second_factor_required":
      return "enter the code of your authenticator app";
    case "second_factor_setup_required":
      return "set up a second factor";
    case "sso_required":
      return "sign in with your organization's single sign-on";
    case "forbidden":
      return "you may not do this";
    case "not_found":
      return "it is gone";
    case "method_not_allowed":
      return "this client is out of date";
    case "conflict":
    case "session_closed":
      return "someone changed it first";
    case "payload_too_large":
      return "that is too long";
    case "file_too_large":
    case "quota_exceeded":
      return "that file is too large";
    case "unsupported_type":
      return "that kind of file is not accepted";
    case "upload_timed_out":
      return "the upload was too slow";
    case "rate_limited":
      return "slow down";
    case "unknown_event":
      return "this client is out of date";
    case "internal":
      return "try again later";
    default: {
      const unhandled: never = code;
      return unhandled;
    }
  }
}

/** A customer logs in, finds an organization and opens a conversation with a first message. */
export async function startConversation(email: string, password: string, domain: string) {
  const login = await api.POST("/api/clients/login", { body: { email, password } });
  if (login.error) {
    throw new Error(explain(login.error.error));
  }
  const token: string = login.data.token;
  const found = await api.GET("/api/organizations/discover/{domain}", {
    params: { path: { domain } },
  });
  if (found.error) {
    throw new Error(found.error.message);
  }
  const org: Schemas["PublicOrganization"] = found.data.organization;
  const opened = await api.POST("/api/sessions", {
    headers: bearer(token),
    body: { organization_id: org.id, message: "Hello, where is my order?" },
  });
  if (opened.error) {
    const fields: Record<string, string> = opened.error.fields ?? {};
    throw new Error(Object.values(fields).join(", ") || opened.error.message);
  }
  const session: Schemas["Session"] = opened.data.session;
  return { token, session };
}

/** An agent reads the history after a reconnect and answers. */
export async function answer(token: string, sessionId: string, lastSeq: number) {
  const page = await api.GET("/api/sessions/{id}/messages", {
    headers: bearer(token),
    params: { path: { id: sessionId }, query: { after: lastSeq, limit: 50 } },
  });
  const seqs: number[] = page.data?.messages.map((m) => m.seq) ?? [];
  const sent = await api.POST("/api/sessions/{id}/messages", {
    headers: bearer(token),
    params: { path: { id: sessionId } },
    body: { content: "On its way!", client_msg_id: crypto.randomUUID() },
  });
  const status: Schemas["SessionStatus"] | undefined = (
    await api.PUT("/api/sessions/{id}/close", {
      headers: bearer(token),
      params: { path: { id: sessionId } },
    })
  ).data?.session.status;
  return { seqs, message: sent.data?.message, status };
}

/** An admin manages the team. */
export async function hire(adminToken: string, organizationId: string) {
  const created = await api.POST("/api/agents", {
    headers: bearer(adminToken),
    body: { name: "Bob", email: "bob@example.com", password: "long enough", role: "supervisor" },
  });
  const agent = created.data?.agent;
  if (agent) {
    await api.PUT("/api/agents/{id}/status", {
      headers: bearer(adminToken),
      params: { path: { id: agent.id } },
      body: { status: "busy" },
    });
  }
  const team = await api.GET("/api/agents/organization/{organization_id}", {
    headers: bearer(adminToken),
    params: { path: { organization_id: organizationId } },
  });
  const waiting = await api.GET("/api/sessions/organization/{organization_id}", {
    headers: bearer(adminToken),
    params: { path: { organization_id: organizationId }, query: { status: "waiting" } },
  });
  return { online: team.data?.agents.filter((a) => a.online), waiting: waiting.data?.sessions };
}

/** The document must keep required fields required and enumerations closed. */
export async function refusedAtCompileTime(token: string) {
  // @ts-expect-error: password is required
  await api.POST("/api/clients/login", { body: { email: "a@example.com" } });
  // @ts-expect-error: content is required
  await api.POST("/api/sessions/{id}/messages", { params: { path: { id: "x" } }, body: {} });
  await api.PUT("/api/agents/{id}/status", {
    headers: bearer(token),
    params: { path: { id: "x" } },
    // @ts-expect-error: not an agent status
    body: { status: "sleeping" },
  });
  // @ts-expect-error: the directory's limit is a number
  await api.GET("/api/organizations/directory", { params: { query: { limit: "ten" } } });
}
