"""Prepares one schemathesis run against a demo server: signs in as one kind of caller, creates
a conversation to aim at, and writes a schemathesis config with the token and the real ids
(organization, agents, sessions) that generated requests use half of the time.

Usage: fuzz_setup.py BASE KIND OPERATOR_TOKEN CONFIG_PATH
KIND: admin | agent | client | visitor | operator | anonymous
"""

import json
import sys
import urllib.request

DEMO_PASSWORD = "password123"


def call(base, method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.load(res)


def login(base, kind, email):
    path = "/api/agents/login" if kind == "agent" else "/api/clients/login"
    return call(base, "POST", path, {"email": email, "password": DEMO_PASSWORD})


def main():
    base, kind, operator_token, config_path = sys.argv[1:5]
    org = call(base, "GET", "/api/organizations/discover/sample.com")["organization"]
    john = login(base, "agent", "john@sample.com")
    jane = login(base, "agent", "jane@sample.com")
    alice = login(base, "client", "alice@example.com")
    visitor = call(base, "POST", "/api/widget/visitors", {"domain": "sample.com", "name": "Vic"})
    sessions = []
    for who in (alice, visitor):
        opened = call(base, "POST", "/api/sessions",
                      {"organization_id": org["id"], "message": "Hello"}, who["token"])
        sessions.append(opened["session"]["id"])
    token = {
        "admin": john["token"],
        "agent": jane["token"],
        "client": alice["token"],
        "visitor": visitor["token"],
        "operator": operator_token,
        "anonymous": None,
    }[kind]
    agents = [john["agent"]["id"], jane["agent"]["id"]]
    with open(config_path, "w") as out:
        out.write(config(kind, token, org["id"], agents, sessions))


def toml_list(values):
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def config(kind, token, org_id, agents, sessions):
    """Real ids for the parameters that name them, half of the time; deleting the organization
    keeps random ids so that one run does not end its own test data."""
    lines = []
    if token:
        lines.append(f'headers = {{ Authorization = "Bearer {token}" }}')
    lines += [
        "",
        "[dictionaries.organizations]",
        f"values = {toml_list([org_id])}",
        "[dictionaries.agents]",
        f"values = {toml_list(agents)}",
        "[dictionaries.other_agents]",
        f"values = {toml_list(agents[1:])}",
        "[dictionaries.sessions]",
        f"values = {toml_list(sessions)}",
        "",
        "[parameters]",
        '"path.organization_id" = { dictionary = "organizations", probability = 0.5 }',
        '"body.organization_id" = { dictionary = "organizations", probability = 0.5 }',
        '"body.agent_id" = { dictionary = "agents", probability = 0.5 }',
    ]
    by_operation = [
        ("organizations", ["get_organization", "update_organization"]),
        ("agents", ["get_agent", "set_agent_status", "list_agent_sessions"]),
        # Changes that could end the admin's own account (demotion, deletion, a new password)
        # aim at the other agent, so the run keeps its token.
        ("other_agents", ["update_agent", "change_agent_password", "delete_agent"]),
        ("sessions", ["get_session", "list_messages", "send_message", "assign_session",
                      "set_session_status", "close_session"]),
    ]
    for dictionary, operations in by_operation:
        lines += [
            "",
            "[[operations]]",
            f"include-operation-id = {toml_list(operations)}",
            f'parameters = {{ "path.id" = {{ dictionary = "{dictionary}", probability = 0.5 }} }}',
        ]
    if kind in ("admin", "agent"):
        # Logging out, or signing the caller out everywhere (any agent id an answer names may be
        # the caller's own), ends the run's token; the other callers' runs fuzz these routes.
        lines += [
            "",
            "[[operations]]",
            'include-operation-id = ["log_out_agent", "end_agent_devices"]',
            "enabled = false",
        ]
    if kind == "admin":
        # Schemathesis follows ids from answers into later calls, so the admin's run would
        # delete its own organization and spend the rest answering 401; the operator's run
        # fuzzes this route.
        lines += [
            "",
            "[[operations]]",
            'include-operation-id = ["delete_organization"]',
            "enabled = false",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
