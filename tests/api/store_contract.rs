//! The store contract, proven for each backend: the same behaviour suite on a multi-threaded
//! runtime against the embedded SQLite store and against PostgreSQL (`RAASEL_TEST_POSTGRES`,
//! required: the test command provides it). Each test opens two stores on one database, as two
//! server processes would, and races them.

use std::sync::Arc;

use raasel::config::StoreArgs;

use raasel::domain::fixtures;
use raasel::domain::ids::*;
use raasel::domain::model::*;
use raasel::store::{AgentChanges, AssignMode, Mark, NewMessage, Page, StoreError, Stores};

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
    }
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
                    .close(org.id, s.id, "Ann")
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
        .range(org.id, session.id, page(None, Some(10), 5), Audience::Agents)
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
    assert_eq!(log.last(org.id, session.id, Audience::Agents).await.unwrap().unwrap().seq, 10);
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
    let (all, _) = log.range(org.id, session.id, all_pages(), Audience::Agents).await.unwrap();
    assert_eq!(all.len(), 10);
    log.delete_session(org.id, session.id).await.unwrap();
    assert!(log.last(org.id, session.id, Audience::Agents).await.unwrap().is_none());
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
        c.close(other.id, session.id, "x").await,
        Err(StoreError::SessionNotFound)
    ));
    assert!(
        l.range(other.id, session.id, all_pages(), Audience::Agents)
            .await
            .unwrap()
            .0
            .is_empty()
    );
    assert!(l.at(other.id, session.id, 1, Audience::Agents).await.unwrap().is_none());
    assert!(l.last(other.id, session.id, Audience::Agents).await.unwrap().is_none());
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
        l.last(org.id, session.id, Audience::Agents).await.unwrap().unwrap().content,
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
        .close(ours.id, closed.id, "closing")
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
        let (log, _) = n.a.log.range(*org, s.id, all_pages(), Audience::Agents).await.unwrap();
        let seqs: Vec<i64> = log.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, (1..=ROUNDS as i64).collect::<Vec<_>>());
    }
    let (log, _) =
        n.a.log
            .range(ours.id, poisoned.id, all_pages(), Audience::Agents)
            .await
            .unwrap();
    let seqs: Vec<i64> = log.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, (1..=log.len() as i64).collect::<Vec<_>>(), "gapless");
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
    marks_never_move_back,
    the_log_reads_windows_and_writes_idempotently,
    a_foreign_organization_finds_nothing,
    queue_locks_leave_connections_for_reads,
    a_refused_change_fails_alone_in_its_batch,
);
