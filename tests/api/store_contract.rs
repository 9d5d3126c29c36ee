//! The store contract, proven for each backend: the same behaviour suite on a multi-threaded
//! runtime against the embedded SQLite store and against PostgreSQL (`RAASEL_TEST_POSTGRES`,
//! required: the test command provides it). Each test opens two stores on one database, as two
//! server processes would, and races them.

use std::sync::Arc;

use raasel::config::StoreArgs;

use raasel::domain::canned::{self, CannedReply};
use raasel::domain::contacts::{ContactDetails, VisitContext};
use raasel::domain::fixtures;
use raasel::domain::ids::*;
use raasel::domain::labels::{self, Label};
use raasel::domain::mentions::Mention;
use raasel::domain::model::*;
use raasel::domain::teams::Team;
use raasel::store::{
    AgentChanges, AssignMode, Closing, Mark, NewMessage, Page, Requeue, SessionFilter, StoreError,
    Stores, Within,
};

/// Two stores on one fresh database: `a` and `b` stand for two nodes.
struct Nodes {
    a: Stores,
    b: Stores,
    _dir: tempfile::TempDir,
}

/// The store settings of a server with its data directory in `dir`.
fn args_in(dir: &tempfile::TempDir) -> StoreArgs {
    raasel::config::ServeArgs::for_data_dir(dir.path().to_path_buf()).store
}

async fn sqlite() -> Nodes {
    let dir = tempfile::tempdir().unwrap();
    let args = args_in(&dir);
    Nodes {
        a: raasel::store::open(&args).await.unwrap(),
        b: raasel::store::open(&args).await.unwrap(),
        _dir: dir,
    }
}

async fn postgres() -> Nodes {
    let dir = tempfile::tempdir().unwrap();
    let mut args = args_in(&dir);
    args.database_url = Some(crate::support::fresh_postgres_schema().await);
    args.database_pool_size = 8;
    Nodes {
        a: raasel::store::open(&args).await.unwrap(),
        b: raasel::store::open(&args).await.unwrap(),
        _dir: dir,
    }
}

/// PostgreSQL for the rest, the messages in Cassandra (`RAASEL_TEST_CASSANDRA`).
async fn cassandra() -> Nodes {
    let dir = tempfile::tempdir().unwrap();
    let mut args = args_in(&dir);
    args.database_url = Some(crate::support::fresh_postgres_schema().await);
    args.database_pool_size = 8;
    args.cassandra_contact_points = vec![crate::support::test_cassandra()];
    args.cassandra_keyspace = crate::support::TEST_KEYSPACE.into();
    Nodes {
        a: raasel::store::open(&args).await.unwrap(),
        b: raasel::store::open(&args).await.unwrap(),
        _dir: dir,
    }
}

/// Which node to use for the `i`-th of many concurrent callers.
fn node(n: &Nodes, i: usize) -> &Stores {
    if i.is_multiple_of(2) { &n.a } else { &n.b }
}

async fn org_with(n: &Nodes, admins: usize, agents: usize) -> (Organization, Vec<Agent>) {
    let org = fixtures::organization();
    let mut all = vec![fixtures::agent(org.id, Role::Admin)];
    n.a.store
        .create_organization(&org, &all[0], "hash")
        .await
        .unwrap();
    for i in 1..admins + agents {
        let role = if i < admins { Role::Admin } else { Role::Agent };
        let agent = fixtures::agent(org.id, role);
        n.a.store.insert_agent(&agent, "hash").await.unwrap();
        all.push(agent);
    }
    (org, all)
}

async fn waiting_session(n: &Nodes, org: OrgId) -> Session {
    let client = fixtures::client(Some(org));
    n.a.store.insert_client(&client, None).await.unwrap();
    let s = fixtures::session(org, client.id, None);
    n.a.store.insert_session(&s).await.unwrap();
    s
}

fn from_client(s: &Session, content: &str, key: Option<&str>) -> NewMessage {
    NewMessage {
        session_id: s.id,
        sender_type: SenderType::Client,
        sender_id: Some(s.client_id.0),
        sender_name: "c".into(),
        content: content.into(),
        client_msg_id: key.map(String::from),
        internal: false,
        attachments: vec![],
    }
}

/// Every message of the session as its agents see it (up to 200).
async fn whole_log(node: &Stores, org: OrgId, session: SessionId) -> Vec<Message> {
    let (log, _) = node
        .log
        .range(org, session, all_pages(), Audience::Agents)
        .await
        .unwrap();
    log
}

fn all_pages() -> Page {
    Page {
        before: None,
        after: Some(0),
        limit: 200,
    }
}

async fn one_winner_among_concurrent_assigners(n: Nodes) {
    let n = Arc::new(n);
    let (org, agents) = org_with(&n, 1, 7).await;
    let session = waiting_session(&n, org.id).await;
    let attempts = agents.iter().enumerate().map(|(i, a)| {
        let (n, agent) = (n.clone(), a.id);
        tokio::spawn(async move {
            let mode = AssignMode::Unassigned { capacity: Some(5) };
            node(&n, i)
                .conversations
                .assign(org.id, session.id, agent, mode)
                .await
                .unwrap()
        })
    });
    let winners: Vec<_> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .filter_map(|r| r.unwrap())
        .collect();
    assert_eq!(winners.len(), 1);
    let stored =
        n.a.store
            .session(org.id, session.id)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(stored.agent_id, Some(winners[0].agent.id));
    assert_eq!(stored.status, SessionStatus::Active);
    let (log, _) =
        n.a.log
            .range(org.id, session.id, all_pages(), Audience::Agents)
            .await
            .unwrap();
    assert_eq!(log.len(), 1, "exactly one joined note: {log:?}");
}

async fn assignments_at_capacity_never_go_over(n: Nodes) {
    let n = Arc::new(n);
    let (org, agents) = org_with(&n, 1, 0).await;
    let mut sessions = vec![];
    for _ in 0..12 {
        sessions.push(waiting_session(&n, org.id).await);
    }
    let agent = agents[0].id;
    let attempts = sessions.iter().enumerate().map(|(i, s)| {
        let (n, id) = (n.clone(), s.id);
        tokio::spawn(async move {
            let mode = AssignMode::Unassigned { capacity: Some(3) };
            node(&n, i)
                .conversations
                .assign(org.id, id, agent, mode)
                .await
                .unwrap()
        })
    });
    let assigned = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .filter(|r| r.as_ref().unwrap().is_some())
        .count();
    assert_eq!(assigned, 3);
    let active =
        n.a.store
            .agent_sessions(org.id, agent, Some(SessionStatus::Active))
            .await
            .unwrap();
    assert_eq!(active.len(), 3);
}

async fn one_admin_stays_whatever_races(n: Nodes) {
    let n = Arc::new(n);
    for round in 0..4 {
        let (org, admins) = org_with(&n, 2, 0).await;
        let (first, second) = (admins[0].id, admins[1].id);
        let demote = AgentChanges {
            role: Some(Role::Agent),
            ..Default::default()
        };
        let n1 = n.clone();
        let n2 = n.clone();
        let (r1, r2) = if round % 2 == 0 {
            let d = demote.clone();
            tokio::join!(
                tokio::spawn(async move {
                    n1.a.store
                        .update_agent(org.id, first, &d, chrono::Utc::now())
                        .await
                        .map(|_| ())
                }),
                tokio::spawn(async move {
                    n2.b.store
                        .update_agent(org.id, second, &demote, chrono::Utc::now())
                        .await
                        .map(|_| ())
                })
            )
        } else {
            tokio::join!(
                tokio::spawn(async move {
                    n1.a.store
                        .delete_agent(org.id, first, chrono::Utc::now())
                        .await
                        .map(|_| ())
                }),
                tokio::spawn(async move {
                    n2.b.store
                        .delete_agent(org.id, second, chrono::Utc::now())
                        .await
                        .map(|_| ())
                })
            )
        };
        let results = [r1.unwrap(), r2.unwrap()];
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "{results:?}"
        );
        assert!(
            results
                .iter()
                .any(|r| matches!(r, Err(StoreError::Conflict(_))))
        );
        let left = n.a.store.agents(org.id).await.unwrap();
        assert_eq!(left.iter().filter(|a| a.role == Role::Admin).count(), 1);
    }
}

async fn concurrent_resends_store_one_message(n: Nodes) {
    let n = Arc::new(n);
    let (org, _) = org_with(&n, 1, 0).await;
    let session = waiting_session(&n, org.id).await;
    let sends = (0..16).map(|i| {
        let (n, s) = (n.clone(), session.clone());
        tokio::spawn(async move {
            node(&n, i)
                .conversations
                .append(org.id, from_client(&s, "once", Some("k1")))
                .await
                .unwrap()
        })
    });
    let results: Vec<_> = futures_util::future::join_all(sends)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(results.iter().filter(|a| a.created).count(), 1);
    let ids: std::collections::HashSet<_> = results.iter().map(|a| a.message.id).collect();
    assert_eq!(ids.len(), 1, "every resend returns the stored message");
    let (log, _) =
        n.a.log
            .range(org.id, session.id, all_pages(), Audience::Agents)
            .await
            .unwrap();
    assert_eq!(log.len(), 1);
}

async fn concurrent_appends_get_gapless_seqs(n: Nodes) {
    let n = Arc::new(n);
    let (org, _) = org_with(&n, 1, 0).await;
    let session = waiting_session(&n, org.id).await;
    let sends = (0..120).map(|i| {
        let (n, s) = (n.clone(), session.clone());
        tokio::spawn(async move {
            let key = format!("k{}", i % 100);
            node(&n, i)
                .conversations
                .append(org.id, from_client(&s, &format!("m{i}"), Some(&key)))
                .await
                .unwrap()
        })
    });
    let results: Vec<_> = futures_util::future::join_all(sends)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let mut seqs: Vec<i64> = results
        .iter()
        .filter(|a| a.created)
        .map(|a| a.message.seq)
        .collect();
    seqs.sort();
    assert_eq!(seqs, (1..=100).collect::<Vec<_>>());
    assert_eq!(
        results.iter().filter(|a| a.queued).count(),
        1,
        "queued exactly once"
    );
    let (log, more) =
        n.b.log
            .range(org.id, session.id, all_pages(), Audience::Agents)
            .await
            .unwrap();
    assert_eq!((log.len(), more), (100, false));
    assert_eq!(
        n.a.store
            .session(org.id, session.id)
            .await
            .unwrap()
            .unwrap()
            .last_seq,
        100
    );
}

/// Messages to many sessions of two organizations at once share the writers' batches: each
/// session still counts its own messages without a gap and ends as its newest message left it,
/// and a session named with the wrong organization is not found, whatever batch it lands in.
async fn a_batch_of_many_sessions_keeps_each_in_order(n: Nodes) {
    let n = Arc::new(n);
    let (one, _) = org_with(&n, 1, 0).await;
    let (two, _) = org_with(&n, 1, 0).await;
    let mut sessions = vec![];
    for org in [one.id, two.id] {
        for _ in 0..5 {
            sessions.push((org, waiting_session(&n, org).await));
        }
    }
    let sends = (0..220).map(|i| {
        let (n, (org, s)) = (n.clone(), sessions[i % 10].clone());
        let stray = i >= 200;
        let org = match (stray, org == one.id) {
            (false, _) => org,
            (true, true) => two.id,
            (true, false) => one.id,
        };
        tokio::spawn(async move {
            let sent = node(&n, i)
                .conversations
                .append(
                    org,
                    from_client(&s, &format!("m{i}"), Some(&format!("k{i}"))),
                )
                .await;
            (stray, sent)
        })
    });
    for (stray, sent) in futures_util::future::join_all(sends)
        .await
        .into_iter()
        .map(|r| r.unwrap())
    {
        match stray {
            true => assert!(matches!(sent, Err(StoreError::SessionNotFound)), "{sent:?}"),
            false => assert!(sent.unwrap().created),
        }
    }
    for (org, s) in &sessions {
        let log = whole_log(&n.b, *org, s.id).await;
        assert_eq!(seqs_of(&log), (1..=20).collect::<Vec<_>>());
        let stored = n.a.store.session(*org, s.id).await.unwrap().unwrap();
        assert_eq!(stored.last_seq, 20);
        let preview = stored.preview.expect("the newest message's preview");
        assert_eq!(
            (preview.seq, preview.content.as_str()),
            (20, log[19].content.as_str())
        );
        assert_eq!(stored.status, SessionStatus::Waiting);
    }
}

async fn a_close_is_final_with_one_note(n: Nodes) {
    let n = Arc::new(n);
    let (org, _) = org_with(&n, 1, 0).await;
    let session = waiting_session(&n, org.id).await;
    let mut tasks = vec![];
    for i in 0..30 {
        let (n, s) = (n.clone(), session.clone());
        tasks.push(tokio::spawn(async move {
            if i % 10 == 5 {
                node(&n, i)
                    .conversations
                    .close(org.id, s.id, &Closing::by("Ann"))
                    .await
                    .map(|c| c.is_some())
            } else {
                node(&n, i)
                    .conversations
                    .append(org.id, from_client(&s, "x", None))
                    .await
                    .map(|_| false)
            }
        }));
    }
    let results: Vec<_> = futures_util::future::join_all(tasks)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        results.iter().filter(|r| matches!(r, Ok(true))).count(),
        1,
        "one close wrote the note"
    );
    assert!(
        results
            .iter()
            .all(|r| r.is_ok() || matches!(r, Err(StoreError::SessionClosed)))
    );
    let (log, _) =
        n.a.log
            .range(org.id, session.id, all_pages(), Audience::Agents)
            .await
            .unwrap();
    let last = log.last().unwrap();
    assert_eq!(last.sender_type, SenderType::System);
    assert_eq!(
        log.iter()
            .filter(|m| m.sender_type == SenderType::System)
            .count(),
        1
    );
    let after =
        n.b.conversations
            .append(org.id, from_client(&session, "late", None))
            .await;
    assert!(matches!(after, Err(StoreError::SessionClosed)));
}

fn new_team(org: OrgId, name: &str) -> Team {
    Team {
        id: TeamId::new(),
        organization_id: org,
        name: name.into(),
        is_default: false,
        members: vec![],
        business_hours: None,
        created_at: now(),
    }
}

async fn of_concurrent_moves_to_other_teams_one_wins_and_is_kept(n: Nodes) {
    let n = Arc::new(n);
    let (org, agents) = org_with(&n, 1, 1).await;
    let teams = [new_team(org.id, "Sales"), new_team(org.id, "Support")];
    for t in &teams {
        assert!(n.a.workspace.insert_team(t).await.unwrap());
    }
    let session = waiting_session(&n, org.id).await;
    n.a.conversations
        .append(org.id, from_client(&session, "hello", None))
        .await
        .unwrap();
    let assigned =
        n.a.conversations
            .assign(org.id, session.id, agents[1].id, AssignMode::Any)
            .await
            .unwrap()
            .unwrap()
            .session;
    let moves = teams.iter().enumerate().map(|(i, t)| {
        let (n, requeue) = (
            n.clone(),
            Requeue {
                note: format!("moved to {}", t.name),
                expected: assigned.clone(),
                queued_at: assigned.queued_at.unwrap(),
                team: Some(t.id),
            },
        );
        tokio::spawn(async move {
            node(&n, i)
                .conversations
                .requeue(org.id, session.id, &requeue)
                .await
                .unwrap()
        })
    });
    let winners: Vec<_> = futures_util::future::join_all(moves)
        .await
        .into_iter()
        .filter_map(|r| r.unwrap())
        .collect();
    assert_eq!(winners.len(), 1, "one move wins");
    let won = winners[0].session.team_id;
    assert!(teams.iter().any(|t| Some(t.id) == won));
    for stores in [&n.a, &n.b] {
        let stored = stores
            .store
            .session(org.id, session.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.team_id, won, "the winner's team is kept");
        assert_eq!(stored.status, SessionStatus::Waiting);
        assert_eq!(stored.agent_id, None);
        assert_eq!(
            stored.queued_at, assigned.queued_at,
            "at its original place"
        );
    }
    let queue = n.b.store.queue(org.id).await.unwrap();
    assert_eq!(
        queue.iter().map(|s| s.team_id).collect::<Vec<_>>(),
        vec![won]
    );
    let (log, _) =
        n.a.log
            .range(org.id, session.id, all_pages(), Audience::Agents)
            .await
            .unwrap();
    let moved = log
        .iter()
        .filter(|m| m.content.starts_with("moved to"))
        .count();
    assert_eq!(moved, 1, "one note: {log:?}");
}

async fn marks_never_move_back(n: Nodes) {
    let (org, _) = org_with(&n, 1, 0).await;
    let session = waiting_session(&n, org.id).await;
    for i in 0..5 {
        n.a.conversations
            .append(org.id, from_client(&session, &format!("{i}"), None))
            .await
            .unwrap();
    }
    let s =
        n.a.store
            .mark(org.id, session.id, Side::Agent, Mark::Read, 4)
            .await
            .unwrap();
    assert_eq!((s.delivered_seq, s.read_seq), (4, 4));
    let s =
        n.b.store
            .mark(org.id, session.id, Side::Agent, Mark::Delivered, 2)
            .await
            .unwrap();
    assert_eq!((s.delivered_seq, s.read_seq), (4, 4));
    let s =
        n.b.store
            .mark(org.id, session.id, Side::Agent, Mark::Delivered, 5)
            .await
            .unwrap();
    assert_eq!((s.delivered_seq, s.read_seq), (5, 4));
    assert_eq!(
        n.a.store
            .read_state(org.id, session.id, Side::Client)
            .await
            .unwrap(),
        ReadState::default()
    );
}

async fn the_log_reads_windows_and_writes_idempotently(n: Nodes) {
    let (org, _) = org_with(&n, 1, 0).await;
    let session = waiting_session(&n, org.id).await;
    for i in 1..=10 {
        n.a.conversations
            .append(org.id, from_client(&session, &format!("m{i}"), None))
            .await
            .unwrap();
    }
    let log = &n.a.log;
    let page = |before, after, limit| Page {
        before,
        after,
        limit,
    };
    let seqs = |m: &[Message]| m.iter().map(|m| m.seq).collect::<Vec<_>>();
    let (newest, more) = log
        .range(org.id, session.id, page(None, None, 3), Audience::Agents)
        .await
        .unwrap();
    assert_eq!((seqs(&newest), more), (vec![8, 9, 10], true));
    let (older, more) = log
        .range(org.id, session.id, page(Some(3), None, 5), Audience::Agents)
        .await
        .unwrap();
    assert_eq!((seqs(&older), more), (vec![1, 2], false));
    let (after, more) = log
        .range(org.id, session.id, page(None, Some(8), 5), Audience::Agents)
        .await
        .unwrap();
    assert_eq!((seqs(&after), more), (vec![9, 10], false));
    let (edge, more) = log
        .range(
            org.id,
            session.id,
            page(None, Some(10), 5),
            Audience::Agents,
        )
        .await
        .unwrap();
    assert_eq!((edge.len(), more), (0, false));
    assert_eq!(
        log.at(org.id, session.id, 7, Audience::Agents)
            .await
            .unwrap()
            .unwrap()
            .content,
        "m7"
    );
    assert_eq!(
        log.last(org.id, session.id, Audience::Agents)
            .await
            .unwrap()
            .unwrap()
            .seq,
        10
    );
    assert_eq!(
        log.count_unread(org.id, session.id, Side::Agent, 6, true)
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        log.count_unread(org.id, session.id, Side::Client, 0, true)
            .await
            .unwrap(),
        0
    );
    // Writing the same key again leaves one copy.
    log.write(&newest).await.unwrap();
    let (all, _) = log
        .range(org.id, session.id, all_pages(), Audience::Agents)
        .await
        .unwrap();
    assert_eq!(all.len(), 10);
    log.delete_session(org.id, session.id).await.unwrap();
    assert!(
        log.last(org.id, session.id, Audience::Agents)
            .await
            .unwrap()
            .is_none()
    );
}

async fn a_foreign_organization_finds_nothing(n: Nodes) {
    let (org, agents) = org_with(&n, 1, 1).await;
    let (other, _) = org_with(&n, 1, 0).await;
    let session = waiting_session(&n, org.id).await;
    n.a.conversations
        .append(org.id, from_client(&session, "mine", None))
        .await
        .unwrap();
    let agent = agents[1].id;
    let (s, c, l) = (&n.a.store, &n.a.conversations, &n.a.log);
    let now = chrono::Utc::now();
    assert!(s.agent(other.id, agent).await.unwrap().is_none());
    assert!(
        s.agent_password_hash(other.id, agent)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.agents(other.id)
            .await
            .unwrap()
            .iter()
            .all(|a| a.organization_id == other.id)
    );
    let rename = AgentChanges {
        name: Some("X".into()),
        ..Default::default()
    };
    assert!(
        s.update_agent(other.id, agent, &rename, now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        !s.set_agent_password(other.id, agent, "h", now)
            .await
            .unwrap()
    );
    assert!(matches!(
        s.delete_agent(other.id, agent, now).await,
        Err(StoreError::AgentNotFound)
    ));
    assert!(s.session(other.id, session.id).await.unwrap().is_none());
    assert!(
        s.client_session(ClientId::new(), session.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.client(session.client_id, Some(other.id))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.client(session.client_id, None).await.unwrap().is_none(),
        "a visitor is not a registered client"
    );
    assert!(
        s.agent_sessions(other.id, agent, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(s.org_sessions(other.id, None).await.unwrap().is_empty());
    assert!(s.queue(other.id).await.unwrap().is_empty());
    assert!(matches!(
        s.mark(other.id, session.id, Side::Agent, Mark::Read, 1)
            .await,
        Err(StoreError::SessionNotFound)
    ));
    assert_eq!(
        s.read_state(other.id, session.id, Side::Agent)
            .await
            .unwrap(),
        ReadState::default()
    );
    assert!(matches!(
        c.append(other.id, from_client(&session, "x", None)).await,
        Err(StoreError::SessionNotFound)
    ));
    let any = AssignMode::Any;
    assert!(matches!(
        c.assign(other.id, session.id, agent, any).await,
        Err(StoreError::SessionNotFound)
    ));
    assert!(matches!(
        c.assign(org.id, session.id, other_agent(&n, other.id).await, any)
            .await,
        Err(StoreError::AgentNotFound)
    ));
    assert!(matches!(
        c.close(other.id, session.id, &Closing::by("x")).await,
        Err(StoreError::SessionNotFound)
    ));
    assert!(
        l.range(other.id, session.id, all_pages(), Audience::Agents)
            .await
            .unwrap()
            .0
            .is_empty()
    );
    assert!(
        l.at(other.id, session.id, 1, Audience::Agents)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        l.last(other.id, session.id, Audience::Agents)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        l.count_unread(other.id, session.id, Side::Agent, 0, true)
            .await
            .unwrap(),
        0
    );
    l.delete_session(other.id, session.id).await.unwrap();
    l.delete_organization(other.id).await.unwrap();
    let mut verified = fixtures::client(Some(org.id));
    verified.external_id = Some("user-1".into());
    s.insert_client(&verified, None).await.unwrap();
    assert_eq!(s.revoke_verified_visitors(other.id).await.unwrap(), 0);

    // Nothing of ours was touched by any of it.
    assert_eq!(
        l.last(org.id, session.id, Audience::Agents)
            .await
            .unwrap()
            .unwrap()
            .content,
        "mine",
    );
    let ours = s.agent(org.id, agent).await.unwrap().unwrap();
    assert_eq!((ours.name, ours.token_version), (agents[1].name.clone(), 0));
    assert_eq!(
        s.agent_password_hash(org.id, agent)
            .await
            .unwrap()
            .as_deref(),
        Some("hash")
    );
    let still = s.session(org.id, session.id).await.unwrap().unwrap();
    assert_eq!(
        (still.status, still.agent_id, still.last_seq),
        (SessionStatus::Waiting, None, 1)
    );
    assert_eq!(
        s.read_state(org.id, session.id, Side::Agent).await.unwrap(),
        ReadState::default()
    );
    let client = s.client(verified.id, Some(org.id)).await.unwrap().unwrap();
    assert_eq!(client.token_version, 0);
}

/// Queue locks held at once for many organizations leave connections for the reads their drains
/// (and everyone else) need: on PostgreSQL each lock holds a pooled connection.
async fn queue_locks_leave_connections_for_reads(n: Nodes) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let mut orgs = vec![];
    for _ in 0..8 {
        orgs.push(org_with(&n, 1, 0).await.0);
    }
    // Open connections first, so that every locker can take one at once.
    let warm = orgs.iter().map(|org| n.a.store.organization(org.id));
    futures_util::future::join_all(warm).await;
    let held = Arc::new(AtomicUsize::new(0));
    let (release, released) = tokio::sync::watch::channel(false);
    let holders: Vec<_> = orgs
        .iter()
        .map(|org| {
            let (store, held, mut released, id) =
                (n.a.store.clone(), held.clone(), released.clone(), org.id);
            tokio::spawn(async move {
                let lock = store.lock_queue(id).await.unwrap();
                held.fetch_add(1, Ordering::SeqCst);
                let _ = released.wait_for(|r| *r).await;
                lock.release().await;
            })
        })
        .collect();
    crate::support::wait_until("two queue locks are held", crate::socket::WAIT, || {
        let held = held.clone();
        async move { held.load(Ordering::SeqCst) >= 2 }
    })
    .await;
    // While the other lockers take what they can, reads must always find a connection.
    for _ in 0..20 {
        let reads = orgs.iter().map(|org| n.a.store.organization(org.id));
        for read in futures_util::future::join_all(reads).await {
            assert!(read.unwrap().is_some());
        }
    }
    release.send(true).unwrap();
    for holder in holders {
        holder.await.unwrap();
    }
    assert_eq!(held.load(Ordering::SeqCst), orgs.len());
}

/// Changes the store refuses (a message to a closed conversation; text PostgreSQL cannot hold,
/// which only the edge keeps out) sent in the same moments as many good ones, across two
/// organizations: every good change commits, gapless, and only the refused ones fail.
async fn a_refused_change_fails_alone_in_its_batch(n: Nodes) {
    let n = Arc::new(n);
    let (ours, _) = org_with(&n, 1, 0).await;
    let (theirs, _) = org_with(&n, 1, 0).await;
    let mut good = vec![];
    for i in 0..24 {
        let org = if i % 2 == 0 { ours.id } else { theirs.id };
        good.push((org, waiting_session(&n, org).await));
    }
    let closed = waiting_session(&n, ours.id).await;
    n.a.conversations
        .close(ours.id, closed.id, &Closing::by("closing"))
        .await
        .unwrap();
    let poisoned = waiting_session(&n, ours.id).await;
    const ROUNDS: usize = 6;
    let mut sends = vec![];
    for round in 0..ROUNDS {
        for (i, (org, s)) in good.iter().enumerate() {
            let (n, org, s) = (n.clone(), *org, s.clone());
            sends.push(tokio::spawn(async move {
                node(&n, i)
                    .conversations
                    .append(org, from_client(&s, &format!("good {round}"), None))
                    .await
                    .map(|a| a.message.seq)
            }));
        }
        let n2 = n.clone();
        let c = closed.clone();
        let refused_closed = tokio::spawn(async move {
            n2.a.conversations
                .append(c.organization_id, from_client(&c, "late", None))
                .await
        });
        // Good messages in the poisoned conversation itself take its writer lane, so the bad
        // change shares their batches.
        for k in 0..5 {
            let (n, p) = (n.clone(), poisoned.clone());
            sends.push(tokio::spawn(async move {
                n.b.conversations
                    .append(
                        p.organization_id,
                        from_client(&p, &format!("beside {round}.{k}"), None),
                    )
                    .await
                    .map(|a| a.message.seq)
            }));
        }
        let n3 = n.clone();
        let p = poisoned.clone();
        let nul = tokio::spawn(async move {
            n3.b.conversations
                .append(p.organization_id, from_client(&p, "nul \u{0} inside", None))
                .await
        });
        assert!(matches!(
            refused_closed.await.unwrap(),
            Err(StoreError::SessionClosed)
        ));
        // The embedded store can hold it; PostgreSQL refuses it. Either way it stands alone.
        let _ = nul.await.unwrap();
    }
    for send in sends {
        send.await
            .unwrap()
            .expect("a good change failed with a refused one");
    }
    for (org, s) in &good {
        let log = whole_log(&n.a, *org, s.id).await;
        assert_eq!(seqs_of(&log), (1..=ROUNDS as i64).collect::<Vec<_>>());
    }
    let log = whole_log(&n.a, ours.id, poisoned.id).await;
    assert_eq!(
        seqs_of(&log),
        (1..=log.len() as i64).collect::<Vec<_>>(),
        "gapless"
    );
    let beside = log
        .iter()
        .filter(|m| m.content.starts_with("beside "))
        .count();
    assert_eq!(
        beside,
        ROUNDS * 5,
        "every good message beside the bad one was stored"
    );
}

fn note_by(s: &Session, agent: AgentId, content: &str) -> NewMessage {
    NewMessage {
        session_id: s.id,
        sender_type: SenderType::Agent,
        sender_id: Some(agent.0),
        sender_name: "Agent".into(),
        content: content.into(),
        client_msg_id: None,
        internal: true,
        attachments: vec![],
    }
}

fn seqs_of(m: &[Message]) -> Vec<i64> {
    m.iter().map(|m| m.seq).collect()
}

/// Notes at both ends and between the customer's messages, written through the conversation:
/// the customer's reads skip them, the agents' reads hold everything in order.
/// A message keeps the files it carries in every store, read back by any node.
async fn a_message_keeps_its_files(n: Nodes) {
    use raasel::domain::attachments::{AttachmentRef, FileKind};
    let (org, _) = org_with(&n, 1, 0).await;
    let session = waiting_session(&n, org.id).await;
    let files: Vec<AttachmentRef> = (0..2)
        .map(|i| AttachmentRef {
            id: raasel::domain::AttachmentId::new(),
            name: format!("file {i} é.png"),
            content_type: "image/png".into(),
            size: 1000 + i,
            kind: FileKind::Image,
            width: Some(640),
            height: Some(480),
            thumbnail: i == 0,
        })
        .collect();
    let message = NewMessage {
        content: String::new(),
        attachments: files.clone(),
        ..from_client(&session, "", Some("with-files"))
    };
    let stored = n.a.conversations.append(org.id, message).await.unwrap();
    assert_eq!(stored.message.attachments, files);
    let plain =
        n.a.conversations
            .append(org.id, from_client(&session, "plain", None))
            .await
            .unwrap();
    assert!(plain.message.attachments.is_empty());
    for log in [&n.a.log, &n.b.log] {
        let (all, _) = log
            .range(org.id, session.id, all_pages(), Audience::Customer)
            .await
            .unwrap();
        assert_eq!(all[0].attachments, files);
        assert!(all[1].attachments.is_empty());
    }
}

async fn a_customer_never_reads_a_private_note(n: Nodes) {
    let (org, agents) = org_with(&n, 1, 1).await;
    let agent = agents[1].id;
    let session = waiting_session(&n, org.id).await;
    let c = &n.a.conversations;
    let first = c
        .append(org.id, note_by(&session, agent, "n1"))
        .await
        .unwrap();
    assert!(first.message.internal);
    c.append(org.id, from_client(&session, "c2", None))
        .await
        .unwrap();
    c.append(org.id, note_by(&session, agent, "n3"))
        .await
        .unwrap();
    let reply = NewMessage {
        internal: false,
        ..note_by(&session, agent, "a4")
    };
    c.append(org.id, reply).await.unwrap();
    c.append(org.id, note_by(&session, agent, "n5"))
        .await
        .unwrap();

    for log in [&n.a.log, &n.b.log] {
        let read = |page, audience| log.range(org.id, session.id, page, audience);
        let (all, more) = read(all_pages(), Audience::Customer).await.unwrap();
        assert_eq!((seqs_of(&all), more), (vec![2, 4], false));
        assert!(all.iter().all(|m| !m.internal));
        let (all, more) = read(all_pages(), Audience::Agents).await.unwrap();
        assert_eq!((seqs_of(&all), more), (vec![1, 2, 3, 4, 5], false));
        assert_eq!(
            all.iter().map(|m| m.internal).collect::<Vec<_>>(),
            vec![true, false, true, false, true]
        );
        let newest = |limit| Page {
            before: None,
            after: None,
            limit,
        };
        let (last, more) = read(newest(1), Audience::Customer).await.unwrap();
        assert_eq!((seqs_of(&last), more), (vec![4], true));
        // Only a note lies before seq 2: nothing more for the customer.
        let (two, more) = read(newest(2), Audience::Customer).await.unwrap();
        assert_eq!((seqs_of(&two), more), (vec![2, 4], false));

        assert!(
            log.at(org.id, session.id, 1, Audience::Customer)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            log.at(org.id, session.id, 5, Audience::Customer)
                .await
                .unwrap()
                .is_none()
        );
        let hidden = log
            .at(org.id, session.id, 3, Audience::Agents)
            .await
            .unwrap();
        assert_eq!(
            hidden.map(|m| (m.content, m.internal)),
            Some(("n3".into(), true))
        );
        let shown = log
            .at(org.id, session.id, 2, Audience::Customer)
            .await
            .unwrap();
        assert_eq!(shown.unwrap().content, "c2");
        let last = log
            .last(org.id, session.id, Audience::Customer)
            .await
            .unwrap();
        assert_eq!(last.unwrap().seq, 4);
        let last = log
            .last(org.id, session.id, Audience::Agents)
            .await
            .unwrap();
        assert_eq!(last.unwrap().seq, 5);

        // The customer's unread: the agent's reply only, never a note.
        let unread = |side, seq| log.count_unread(org.id, session.id, side, seq, true);
        assert_eq!(unread(Side::Client, 0).await.unwrap(), 1);
        assert_eq!(unread(Side::Client, 4).await.unwrap(), 0);
        assert_eq!(unread(Side::Agent, 0).await.unwrap(), 1);
    }
}

/// Where a message stands in `customer_windows_read_past_runs_of_notes`: runs of notes longer
/// than any page read, at both ends and between the customer's messages.
fn layout(s: &Session, agent: AgentId) -> Vec<Message> {
    let visible = [
        (4, SenderType::Client),
        (13, SenderType::Agent),
        (14, SenderType::System),
        (21, SenderType::Agent),
    ];
    (1..=30)
        .map(|seq| {
            let shown = visible.iter().find(|(at, _)| *at == seq);
            Message {
                id: MessageId::new(),
                organization_id: s.organization_id,
                session_id: s.id,
                seq,
                sender_type: shown.map_or(SenderType::Agent, |(_, kind)| *kind),
                sender_id: Some(agent.0),
                sender_name: "someone".into(),
                content: format!("m{seq}"),
                client_msg_id: None,
                created_at: chrono::Utc::now(),
                internal: shown.is_none(),
                attachments: vec![],
            }
        })
        .collect()
}

/// What a window must hold: the seqs `audience` sees after `after` (ascending from it) or
/// before `before` (the newest of them), at most `limit`, and whether more lie beyond.
fn expected_window(all: &[Message], page: Page, audience: Audience) -> (Vec<i64>, bool) {
    let seen: Vec<i64> = all
        .iter()
        .filter(|m| audience.sees(m))
        .map(|m| m.seq)
        .filter(|seq| *seq > page.after.unwrap_or(0) && *seq < page.before.unwrap_or(i64::MAX))
        .collect();
    let limit = page.limit as usize;
    let more = seen.len() > limit;
    match page.after {
        Some(_) => (seen.into_iter().take(limit).collect(), more),
        None => (seen[seen.len().saturating_sub(limit)..].to_vec(), more),
    }
}

/// Every window, forwards and backwards, small pages among long runs of notes: a customer's
/// pages are full of what they see and say rightly whether more exists (a log that cannot
/// filter by privacy reads on past the notes).
async fn customer_windows_read_past_runs_of_notes(n: Nodes) {
    let (org, agents) = org_with(&n, 1, 1).await;
    let session = waiting_session(&n, org.id).await;
    let all = layout(&session, agents[1].id);
    // Straight into the log, as a partitioned log holds them once they leave the outbox.
    n.a.log.write(&all).await.unwrap();
    let log = &n.b.log;
    for limit in 1..=3 {
        for cursor in 0..=31 {
            for page in [
                Page {
                    before: None,
                    after: Some(cursor),
                    limit,
                },
                Page {
                    before: Some(cursor),
                    after: None,
                    limit,
                },
            ] {
                for audience in [Audience::Customer, Audience::Agents] {
                    let (got, more) = log.range(org.id, session.id, page, audience).await.unwrap();
                    assert_eq!(
                        (seqs_of(&got), more),
                        expected_window(&all, page, audience),
                        "{page:?} {audience:?}"
                    );
                }
            }
        }
    }
    let newest = Page {
        before: None,
        after: None,
        limit: 2,
    };
    let (got, more) = log
        .range(org.id, session.id, newest, Audience::Customer)
        .await
        .unwrap();
    assert_eq!((seqs_of(&got), more), (vec![14, 21], true));
    // Between two bounds, with a run of notes on either side of the one message in it.
    let between = Page {
        before: Some(13),
        after: Some(1),
        limit: 3,
    };
    let (got, more) = log
        .range(org.id, session.id, between, Audience::Customer)
        .await
        .unwrap();
    assert_eq!((seqs_of(&got), more), (vec![4], false));

    let last = log
        .last(org.id, session.id, Audience::Customer)
        .await
        .unwrap();
    assert_eq!(last.unwrap().seq, 21);
    let last = log
        .last(org.id, session.id, Audience::Agents)
        .await
        .unwrap();
    assert_eq!(last.unwrap().seq, 30);
    let unread =
        |seq, with_notes| log.count_unread(org.id, session.id, Side::Client, seq, with_notes);
    assert_eq!(unread(0, true).await.unwrap(), 3, "13, 14 and 21");
    assert_eq!(
        unread(0, false).await.unwrap(),
        2,
        "13 and 21: no system note"
    );
    assert_eq!(unread(14, true).await.unwrap(), 1);
    assert_eq!(unread(21, true).await.unwrap(), 0, "only notes after 21");
    let agents_unread = log
        .count_unread(org.id, session.id, Side::Agent, 0, true)
        .await
        .unwrap();
    assert_eq!(agents_unread, 2, "the client's 4 and the system's 14");
}

fn new_label(org: OrgId, name: &str) -> Label {
    Label {
        id: LabelId::new(),
        organization_id: org,
        name: name.into(),
        color: "#2563eb".into(),
        created_at: chrono::Utc::now(),
    }
}

fn new_reply(org: OrgId, owner: Option<AgentId>, shortcut: &str) -> CannedReply {
    let now = chrono::Utc::now();
    CannedReply {
        id: CannedReplyId::new(),
        organization_id: org,
        owner_id: owner,
        shortcut: shortcut.into(),
        content: format!("Text of {shortcut}"),
        created_at: now,
        updated_at: now,
    }
}

/// Labels, canned replies, what is kept of a customer, the visit context and mentions: another
/// organization's ids find nothing and change nothing.
async fn the_workspace_keeps_to_its_organization(n: Nodes) {
    let (org, agents) = org_with(&n, 1, 1).await;
    let (other, _) = org_with(&n, 1, 0).await;
    let agent = agents[1].id;
    let session = waiting_session(&n, org.id).await;
    n.a.conversations
        .append(org.id, from_client(&session, "hello", None))
        .await
        .unwrap();
    let (w, now) = (&n.a.workspace, chrono::Utc::now());
    let label = new_label(org.id, "VIP");
    assert!(w.insert_label(&label).await.unwrap());
    w.set_session_tags(org.id, session.id, &[label.id], Priority::High, now)
        .await
        .unwrap()
        .expect("our session");
    let shared = new_reply(org.id, None, "hi");
    let personal = new_reply(org.id, Some(agent), "mine");
    assert!(w.insert_canned_reply(&shared).await.unwrap());
    assert!(w.insert_canned_reply(&personal).await.unwrap());
    let client = session.client_id;
    let kept = ContactDetails {
        name: Some("Kept Name".into()),
        email: Some("kept@example.com".into()),
        attributes: [("plan".to_string(), serde_json::json!("pro"))].into(),
    };
    w.save_contact_details(org.id, client, &kept, "Kept Name", now)
        .await
        .unwrap();
    let context = VisitContext {
        page_url: Some("https://shop.example/".into()),
        ..Default::default()
    };
    w.set_session_context(org.id, session.id, &context)
        .await
        .unwrap();
    let mention = Mention {
        id: uuid::Uuid::now_v7(),
        organization_id: org.id,
        agent_id: agent,
        session_id: session.id,
        seq: 1,
        author_name: "Ann".into(),
        excerpt: "@A look".into(),
        created_at: now,
        read_at: None,
    };
    w.insert_mentions(std::slice::from_ref(&mention))
        .await
        .unwrap();

    // Everything asked as the other organization.
    let w = &n.b.workspace;
    let o = other.id;
    assert!(w.labels(o).await.unwrap().is_empty());
    assert!(
        w.update_label(o, label.id, "Mine", "#000")
            .await
            .unwrap()
            .is_none()
    );
    assert!(!w.delete_label(o, label.id).await.unwrap());
    let untag = w
        .set_session_tags(o, session.id, &[], Priority::None, now)
        .await;
    assert!(untag.unwrap().is_none());
    let everything = SessionFilter {
        limit: 100,
        ..Default::default()
    };
    assert!(
        w.filtered_sessions(o, &everything)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(w.canned_replies(o, agent).await.unwrap().is_empty());
    for id in [shared.id, personal.id] {
        assert!(w.canned_reply(o, id).await.unwrap().is_none());
        let changed = w
            .update_canned_reply(o, id, "x", "taken", now)
            .await
            .unwrap();
        assert!(changed.is_none());
        assert!(!w.delete_canned_reply(o, id).await.unwrap());
    }
    assert!(w.contact_details(o, client).await.unwrap().is_none());
    assert!(w.contact_sessions(o, client).await.unwrap().is_empty());
    // Their own record of the same person renames none of our conversations.
    let theirs = ContactDetails {
        name: Some("Their Name".into()),
        ..Default::default()
    };
    w.save_contact_details(o, client, &theirs, "Their Name", now)
        .await
        .unwrap();
    let elsewhere = VisitContext {
        page_url: Some("https://elsewhere.example/".into()),
        ..Default::default()
    };
    w.set_session_context(o, session.id, &elsewhere)
        .await
        .unwrap();
    assert!(w.session_context(o, session.id).await.unwrap().is_none());
    assert!(w.mentions(o, agent, 100).await.unwrap().is_empty());
    assert_eq!(w.read_mentions(o, agent, None, now).await.unwrap(), 0);

    // Nothing of ours changed.
    let w = &n.a.workspace;
    let names = |l: Vec<Label>| l.into_iter().map(|l| (l.id, l.name)).collect::<Vec<_>>();
    assert_eq!(
        names(w.labels(org.id).await.unwrap()),
        vec![(label.id, label.name.clone())]
    );
    let ours =
        n.a.store
            .session(org.id, session.id)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(
        (ours.labels, ours.priority, ours.client_name.as_str()),
        (vec![label.id], Priority::High, "Kept Name")
    );
    assert_eq!(ours.client_email.as_deref(), Some("kept@example.com"));
    let replies = w.canned_replies(org.id, agent).await.unwrap();
    let replies: Vec<_> = replies.iter().map(|r| (r.id, r.content.as_str())).collect();
    assert_eq!(
        replies,
        vec![(shared.id, "Text of hi"), (personal.id, "Text of mine")],
        "by shortcut, unchanged"
    );
    assert_eq!(w.contact_details(org.id, client).await.unwrap(), Some(kept));
    assert_eq!(
        w.session_context(org.id, session.id).await.unwrap(),
        Some(context)
    );
    let mentions = w.mentions(org.id, agent, 100).await.unwrap();
    let mentions: Vec<_> = mentions.iter().map(|m| (m.id, m.read_at)).collect();
    assert_eq!(mentions, vec![(mention.id, None)], "still unread");
    let listed = w.contact_sessions(org.id, client).await.unwrap();
    assert_eq!(
        listed.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![session.id]
    );
    assert_eq!(
        w.filtered_sessions(org.id, &everything)
            .await
            .unwrap()
            .len(),
        1
    );
}

/// Inserts `extra` items at once across both nodes into an owner that holds `bound - 5`
/// already; returns how many were taken.
async fn race_to_the_bound<F, Fut>(n: &Arc<Nodes>, extra: usize, insert: F) -> usize
where
    F: Fn(Stores, usize) -> Fut,
    Fut: std::future::Future<Output = bool> + Send + 'static,
{
    let attempts = (0..extra).map(|i| tokio::spawn(insert(node(n, i).clone(), i)));
    futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .filter(|r| *r.as_ref().unwrap())
        .count()
}

/// Labels per organization, personal replies per agent and shared replies per organization
/// stop at their bounds, also when the last places are raced for from two nodes; one owner's
/// full bound leaves every other owner's alone.
async fn labels_and_canned_replies_stop_at_their_bounds(n: Nodes) {
    let n = Arc::new(n);
    let (org, agents) = org_with(&n, 1, 2).await;
    let (other, _) = org_with(&n, 1, 0).await;
    let w = &n.a.workspace;

    let bound = labels::MAX_LABELS_PER_ORG as usize;
    for i in 0..bound - 5 {
        assert!(
            w.insert_label(&new_label(org.id, &format!("l{i}")))
                .await
                .unwrap()
        );
    }
    let taken = race_to_the_bound(&n, 10, |s, i| async move {
        s.workspace
            .insert_label(&new_label(org.id, &format!("raced {i}")))
            .await
            .unwrap()
    })
    .await;
    assert_eq!(taken, 5);
    assert_eq!(w.labels(org.id).await.unwrap().len(), bound);
    assert!(!w.insert_label(&new_label(org.id, "late")).await.unwrap());
    assert!(w.insert_label(&new_label(other.id, "l0")).await.unwrap());
    // A name the organization has, in another case, is a conflict (checked on a fresh org).
    let (fresh, _) = org_with(&n, 1, 0).await;
    assert!(
        w.insert_label(&new_label(fresh.id, "Billing"))
            .await
            .unwrap()
    );
    assert!(matches!(
        w.insert_label(&new_label(fresh.id, "BILLING")).await,
        Err(StoreError::Conflict(_))
    ));

    let (full, free) = (agents[1].id, agents[2].id);
    let bound = canned::MAX_PERSONAL_PER_AGENT as usize;
    for i in 0..bound - 5 {
        assert!(
            w.insert_canned_reply(&new_reply(org.id, Some(full), &format!("p{i}")))
                .await
                .unwrap()
        );
    }
    let taken = race_to_the_bound(&n, 10, |s, i| async move {
        s.workspace
            .insert_canned_reply(&new_reply(org.id, Some(full), &format!("raced-{i}")))
            .await
            .unwrap()
    })
    .await;
    assert_eq!(taken, 5);
    assert!(
        !w.insert_canned_reply(&new_reply(org.id, Some(full), "late"))
            .await
            .unwrap()
    );
    assert!(
        w.insert_canned_reply(&new_reply(org.id, Some(free), "late"))
            .await
            .unwrap()
    );

    let bound = canned::MAX_SHARED_PER_ORG as usize;
    for i in 0..bound - 5 {
        assert!(
            w.insert_canned_reply(&new_reply(org.id, None, &format!("s{i}")))
                .await
                .unwrap()
        );
    }
    let taken = race_to_the_bound(&n, 10, |s, i| async move {
        s.workspace
            .insert_canned_reply(&new_reply(org.id, None, &format!("raced-{i}")))
            .await
            .unwrap()
    })
    .await;
    assert_eq!(taken, 5);
    assert!(
        !w.insert_canned_reply(&new_reply(org.id, None, "late"))
            .await
            .unwrap()
    );
    // Personal replies do not count against the shared bound, nor the reverse.
    assert!(
        w.insert_canned_reply(&new_reply(org.id, Some(free), "after-shared"))
            .await
            .unwrap()
    );
    assert!(
        w.insert_canned_reply(&new_reply(other.id, None, "theirs"))
            .await
            .unwrap()
    );
    let seen_by_full = w.canned_replies(org.id, full).await.unwrap();
    assert_eq!(
        seen_by_full.len(),
        canned::MAX_SHARED_PER_ORG as usize + canned::MAX_PERSONAL_PER_AGENT as usize
    );
}

/// Message search: every term a word prefix, newest first, within the sessions a plain agent
/// sees (their own and the queue) when asked for one, never another organization's.
async fn search_finds_word_prefixes_where_the_agent_may_look(n: Nodes) {
    let (org, agents) = org_with(&n, 1, 2).await;
    let (other, _) = org_with(&n, 1, 0).await;
    let (mine, theirs) = (agents[1].id, agents[2].id);
    let c = &n.a.conversations;
    let any = AssignMode::Any;
    let own = waiting_session(&n, org.id).await;
    c.append(
        org.id,
        from_client(&own, "Refunding my Zebrafish, please", None),
    )
    .await
    .unwrap();
    c.assign(org.id, own.id, mine, any).await.unwrap().unwrap();
    let taken = waiting_session(&n, org.id).await;
    c.append(org.id, from_client(&taken, "a zebrafish question", None))
        .await
        .unwrap();
    c.assign(org.id, taken.id, theirs, any)
        .await
        .unwrap()
        .unwrap();
    let queued = waiting_session(&n, org.id).await;
    c.append(
        org.id,
        from_client(&queued, "zebrafish-food, in stock?", None),
    )
    .await
    .unwrap();
    // Never queued (its customer has not written): nobody's work yet, but a note is searchable.
    let silent = waiting_session(&n, org.id).await;
    c.append(org.id, note_by(&silent, mine, "zebrafish supplier called"))
        .await
        .unwrap();
    let foreign = waiting_session(&n, other.id).await;
    c.append(other.id, from_client(&foreign, "zebrafish too", None))
        .await
        .unwrap();

    let terms = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    let zebra = terms(&["zebra"]);
    let sessions = |hits: Vec<raasel::store::MessageHit>| {
        let mut ids: Vec<SessionId> = hits.iter().map(|h| h.session_id).collect();
        ids.sort();
        ids
    };
    let sorted = |mut ids: Vec<SessionId>| {
        ids.sort();
        ids
    };
    for s in [&n.a.search, &n.b.search] {
        let all = s.search_messages(org.id, &zebra, None, 20).await.unwrap();
        assert!(
            all.windows(2).all(|w| w[0].created_at >= w[1].created_at),
            "newest first"
        );
        assert_eq!(all.len(), 4);
        assert_eq!(
            sessions(all),
            sorted(vec![own.id, taken.id, queued.id, silent.id])
        );
        let newest = s.search_messages(org.id, &zebra, None, 1).await.unwrap();
        assert_eq!((newest[0].session_id, newest[0].seq), (silent.id, 1));
        let for_mine = s
            .search_messages(
                org.id,
                &zebra,
                Some(Within {
                    agent: mine,
                    whole_teams: false,
                }),
                20,
            )
            .await
            .unwrap();
        assert_eq!(sessions(for_mine), sorted(vec![own.id, queued.id]));
        let for_theirs = s
            .search_messages(
                org.id,
                &zebra,
                Some(Within {
                    agent: theirs,
                    whole_teams: false,
                }),
                20,
            )
            .await
            .unwrap();
        assert_eq!(sessions(for_theirs), sorted(vec![taken.id, queued.id]));
        let both = s
            .search_messages(org.id, &terms(&["zebra", "refund"]), None, 20)
            .await
            .unwrap();
        assert_eq!(sessions(both), vec![own.id]);
        let hit = s
            .search_messages(org.id, &terms(&["food"]), None, 20)
            .await
            .unwrap();
        assert_eq!(sessions(hit), vec![queued.id], "a word after a hyphen");
        assert!(
            s.search_messages(org.id, &terms(&["ebrafish"]), None, 20)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            s.search_messages(org.id, &terms(&["zebra", "nowhere"]), None, 20)
                .await
                .unwrap()
                .is_empty()
        );
        let theirs = s.search_messages(other.id, &zebra, None, 20).await.unwrap();
        assert_eq!(sessions(theirs), vec![foreign.id]);
    }
}

/// Messages sent at once (so they share the writers' batches) are found by search as soon as
/// they are acknowledged; the ones a batch refused (a closed conversation) are never found.
async fn search_finds_each_acknowledged_message_of_a_batch_and_no_refused_one(n: Nodes) {
    let (org, _) = org_with(&n, 1, 0).await;
    let open = [
        waiting_session(&n, org.id).await,
        waiting_session(&n, org.id).await,
    ];
    let closed = waiting_session(&n, org.id).await;
    n.a.conversations
        .close(org.id, closed.id, &Closing::by("Ann"))
        .await
        .unwrap()
        .unwrap();
    let sends = (0..60).map(|i| {
        let (session, word) = match i % 3 {
            2 => (&closed, format!("quokka{i:02}x refused")),
            k => (&open[k], format!("quokka{i:02}x kept")),
        };
        let c = node(&n, i).conversations.clone();
        let m = from_client(session, &word, None);
        async move { c.append(org.id, m).await }
    });
    let results = futures_util::future::join_all(sends).await;
    for (i, r) in results.iter().enumerate() {
        match i % 3 {
            2 => assert!(
                matches!(r, Err(StoreError::SessionClosed)),
                "send {i}: {r:?}"
            ),
            _ => assert!(r.is_ok(), "send {i}: {r:?}"),
        }
    }
    for s in [&n.a.search, &n.b.search] {
        let found = s
            .search_messages(org.id, &["quokka".to_string()], None, 100)
            .await
            .unwrap();
        assert_eq!(found.len(), 40, "every acknowledged message, once");
        assert!(found.iter().all(|h| h.session_id != closed.id));
        for i in (0..60).filter(|i| i % 3 != 2) {
            let one = s
                .search_messages(org.id, &[format!("quokka{i:02}x")], None, 10)
                .await
                .unwrap();
            assert_eq!(one.len(), 1, "message {i} found once");
        }
        let refused = s
            .search_messages(org.id, &["refused".to_string()], None, 10)
            .await
            .unwrap();
        assert!(refused.is_empty(), "a refused message is not in the index");
    }
}

/// Messages written through the log itself (not the conversation writer) are found by search
/// where the log keeps the index with them (SQLite and PostgreSQL; with Cassandra the index is
/// written with the outbox), once however often they are written.
async fn messages_the_log_writes_are_found_by_search(n: Nodes) {
    let (org, _) = org_with(&n, 1, 0).await;
    let session = waiting_session(&n, org.id).await;
    let now = now_stored();
    let written: Vec<Message> = (1..=3)
        .map(|seq| {
            let at = Session {
                last_seq: seq,
                ..session.clone()
            };
            from_client(&session, &format!("wombat{seq}x written"), None).at(&at, now)
        })
        .collect();
    n.a.log.write(&written).await.unwrap();
    n.b.log.write(&written).await.unwrap();
    for s in [&n.a.search, &n.b.search] {
        let found = s
            .search_messages(org.id, &["wombat".to_string()], None, 10)
            .await
            .unwrap();
        let mut seqs: Vec<i64> = found.iter().map(|h| h.seq).collect();
        seqs.sort();
        assert_eq!(seqs, vec![1, 2, 3], "each written message found once");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_log_writes_are_found_by_search() {
    messages_the_log_writes_are_found_by_search(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_log_writes_are_found_by_search() {
    messages_the_log_writes_are_found_by_search(postgres().await).await;
}

/// A single sign-on's `state` is taken once, by one of two nodes asking at once; expired ones
/// are pruned; a provider's settings read back as saved.
async fn a_single_sign_on_state_works_once_and_expires(n: Nodes) {
    use raasel::domain::sso::{SsoProvider, new_login};
    let (org, agents) = org_with(&n, 1, 0).await;
    let now = chrono::Utc::now();
    let provider = SsoProvider {
        organization_id: org.id,
        issuer: "https://id.example.com".into(),
        client_id: "raasel".into(),
        client_secret: "secret".into(),
        label: "Example ID".into(),
        allowed_domains: vec!["a.example.com".into(), "b.example.com".into()],
        create_agents: true,
        required: true,
        break_glass_agent_id: Some(agents[0].id),
        updated_at: now_stored(),
    };
    n.a.sso.put_sso_provider(&provider).await.unwrap();
    assert_eq!(n.b.sso.sso_provider(org.id).await.unwrap(), Some(provider));

    let (login, _) = new_login(org.id, now);
    assert!(n.a.sso.add_sso_login(&login, u32::MAX).await.unwrap());
    // Full: at least the one just kept is there.
    let (refused, _) = new_login(org.id, now);
    assert!(!n.b.sso.add_sso_login(&refused, 1).await.unwrap());
    assert_eq!(
        n.a.sso.take_sso_login(&refused.state_hash).await.unwrap(),
        None
    );
    let (one, two) = tokio::join!(
        n.a.sso.take_sso_login(&login.state_hash),
        n.b.sso.take_sso_login(&login.state_hash)
    );
    let taken: Vec<_> = [one.unwrap(), two.unwrap()].into_iter().flatten().collect();
    assert_eq!(taken.len(), 1, "a state was taken twice");
    assert_eq!(taken[0].nonce, login.nonce);

    let (old, _) = new_login(org.id, now - chrono::Duration::minutes(11));
    assert!(n.a.sso.add_sso_login(&old, u32::MAX).await.unwrap());
    assert!(n.b.sso.prune_sso_logins(now).await.unwrap() >= 1);
    assert_eq!(n.a.sso.take_sso_login(&old.state_hash).await.unwrap(), None);
    assert!(n.a.sso.delete_sso_provider(org.id).await.unwrap());
    assert_eq!(n.a.sso.sso_provider(org.id).await.unwrap(), None);
}

/// Now, at the precision the stores keep.
fn now_stored() -> Timestamp {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

async fn other_agent(n: &Nodes, org: OrgId) -> AgentId {
    let agent = fixtures::agent(org, Role::Agent);
    n.a.store.insert_agent(&agent, "h").await.unwrap();
    agent.id
}

macro_rules! contract {
    ($($test:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::$test(super::sqlite().await).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::$test(super::postgres().await).await;
                }
            )+
        }
        mod cassandra {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::$test(super::cassandra().await).await;
                }
            )+
        }
    };
}

contract!(
    one_winner_among_concurrent_assigners,
    assignments_at_capacity_never_go_over,
    one_admin_stays_whatever_races,
    concurrent_resends_store_one_message,
    concurrent_appends_get_gapless_seqs,
    a_close_is_final_with_one_note,
    a_batch_of_many_sessions_keeps_each_in_order,
    of_concurrent_moves_to_other_teams_one_wins_and_is_kept,
    marks_never_move_back,
    the_log_reads_windows_and_writes_idempotently,
    a_foreign_organization_finds_nothing,
    queue_locks_leave_connections_for_reads,
    a_refused_change_fails_alone_in_its_batch,
    a_customer_never_reads_a_private_note,
    a_message_keeps_its_files,
    customer_windows_read_past_runs_of_notes,
    the_workspace_keeps_to_its_organization,
    labels_and_canned_replies_stop_at_their_bounds,
    search_finds_word_prefixes_where_the_agent_may_look,
    search_finds_each_acknowledged_message_of_a_batch_and_no_refused_one,
    a_single_sign_on_state_works_once_and_expires,
);
