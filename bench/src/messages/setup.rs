//! The standard set-up, over REST: organizations, their agents (the admin is one of them),
//! and one website visitor per conversation, each conversation assigned by the admin to an
//! agent of its organization in turn.

use anyhow::Result;
use serde_json::json;

use super::plan::{AgentSeat, CustomerSeat};
use crate::api::{Api, Org, each};
use crate::cli::MessagesArgs;

pub struct Setup {
    pub agents: Vec<AgentSeat>,
    pub customers: Vec<CustomerSeat>,
}

/// A tag that keeps the names of one run apart from every other's.
pub fn run_tag() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}", nanos & 0xffff_ffff_ffff)
}

pub async fn setup(api: &Api, args: &MessagesArgs) -> Result<Setup> {
    let tag = run_tag();
    let orgs = each((0..args.orgs).collect(), 8, |i| {
        let domain = format!("org{i}-{tag}.bench.example");
        async move { api.signup(&format!("Bench {i}"), &domain, json!({})).await }
    })
    .await?;
    let mut agent_ids = vec![];
    let mut agents = vec![];
    for (o, org) in orgs.iter().enumerate() {
        let seats = org_agents(api, org, args.agents_per_org).await?;
        for (id, token) in seats {
            agents.push(AgentSeat {
                index: agents.len(),
                org: o,
                token,
            });
            agent_ids.push(id);
        }
    }
    let plan: Vec<(usize, usize, usize)> = (0..args.conversations)
        .map(|c| {
            let org = c % args.orgs;
            let agent = org * args.agents_per_org + (c / args.orgs) % args.agents_per_org;
            (c, org, agent)
        })
        .collect();
    let (orgs, agent_ids) = (&orgs, &agent_ids);
    let customers = each(plan, 16, |(c, org, agent)| async move {
        let token = api.visitor(&orgs[org].id, &format!("Customer {c}")).await?;
        let session = api.open_session(&token, &orgs[org].id).await?;
        api.assign(&orgs[org].admin_token, &session, &agent_ids[agent])
            .await?;
        Ok(CustomerSeat {
            index: c,
            org,
            token,
            session,
            agent,
        })
    })
    .await?;
    Ok(Setup { agents, customers })
}

/// The admin and `count - 1` more agents, as `(id, token)`.
async fn org_agents(api: &Api, org: &Org, count: usize) -> Result<Vec<(String, String)>> {
    let mut seats = vec![(org.admin_id.clone(), org.admin_token.clone())];
    let more = each((1..count).collect(), 4, |j| async move {
        let email = format!("agent{j}@{}", org.domain);
        let id = api
            .create_agent(&org.admin_token, &format!("Agent {j}"), &email)
            .await?;
        let token = api.agent_login(&email, &org.id).await?;
        Ok((id, token))
    })
    .await?;
    seats.extend(more);
    Ok(seats)
}
