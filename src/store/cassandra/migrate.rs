//! Creating the keyspace and tables (`raasel migrate`, and at start): idempotent, then waits
//! until every node agrees on the schema.

use anyhow::{Context, bail};

use super::log::{CassandraSettings, connect};

/// How the keyspace is replicated: `SimpleStrategy:<factor>` for one data centre, or
/// `NetworkTopologyStrategy:<dc>=<factor>,…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replication {
    Simple(u32),
    PerDataCentre(Vec<(String, u32)>),
}

impl std::str::FromStr for Replication {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "{s:?}: expected SimpleStrategy:<factor> or NetworkTopologyStrategy:<dc>=<factor>,…"
            )
        };
        let (strategy, rest) = s.split_once(':').ok_or_else(bad)?;
        match strategy {
            "SimpleStrategy" => rest.parse().map(Replication::Simple).map_err(|_| bad()),
            "NetworkTopologyStrategy" => rest
                .split(',')
                .map(|dc| {
                    let (name, factor) = dc.split_once('=').ok_or_else(bad)?;
                    let valid = !name.is_empty()
                        && name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                    match (valid, factor.parse()) {
                        (true, Ok(f)) => Ok((name.to_string(), f)),
                        _ => Err(bad()),
                    }
                })
                .collect::<Result<_, _>>()
                .map(Replication::PerDataCentre),
            _ => Err(bad()),
        }
    }
}

impl Replication {
    fn cql(&self) -> String {
        match self {
            Replication::Simple(n) => {
                format!("{{'class': 'SimpleStrategy', 'replication_factor': {n}}}")
            }
            Replication::PerDataCentre(dcs) => {
                let dcs: Vec<String> = dcs.iter().map(|(dc, n)| format!("'{dc}': {n}")).collect();
                format!("{{'class': 'NetworkTopologyStrategy', {}}}", dcs.join(", "))
            }
        }
    }
}

/// A keyspace name Cassandra accepts unquoted.
fn valid_keyspace(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 48
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

/// Creates the keyspace (with `replication`) and the tables when missing.
pub async fn migrate(
    settings: &CassandraSettings,
    replication: &Replication,
) -> anyhow::Result<()> {
    let ks = &settings.keyspace;
    if !valid_keyspace(ks) {
        bail!("{ks:?} is not a keyspace name: lower-case letters, digits and _, at most 48");
    }
    let session = connect(&settings.contact_points).await?;
    let statements = [
        format!(
            "CREATE KEYSPACE IF NOT EXISTS {ks} WITH replication = {}",
            replication.cql()
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {ks}.messages (
                organization_id uuid, session_id uuid, seq bigint,
                id uuid, sender_type text, sender_id uuid, sender_name text, content text,
                client_msg_id text, created_at_us bigint, internal boolean, attachments text,
                PRIMARY KEY ((organization_id, session_id), seq)
            ) WITH CLUSTERING ORDER BY (seq ASC)"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {ks}.sessions_by_organization (
                organization_id uuid, session_id uuid,
                PRIMARY KEY ((organization_id), session_id)
            )"
        ),
    ];
    for cql in statements {
        run(&session, &cql).await?;
    }
    // Tables made before private notes existed get the column (Cassandra has no IF NOT EXISTS
    // for columns: "conflicts with an existing column" (4.x) or "Column with name 'internal'
    // already exists" (5.x) means it is there).
    for column in ["internal boolean", "attachments text"] {
        let add = format!("ALTER TABLE {ks}.messages ADD {column}");
        if let Err(e) = run(&session, &add).await {
            let told = format!("{e:#}");
            if !told.contains("conflicts with an existing column")
                && !told.contains("already exists")
            {
                return Err(e);
            }
        }
    }
    Ok(())
}

/// Runs one schema statement and waits until every node agrees on the result.
async fn run(session: &scylla::client::session::Session, cql: &str) -> anyhow::Result<()> {
    session
        .query_unpaged(cql.to_string(), ())
        .await
        .with_context(|| format!("running {cql}"))?;
    session
        .await_schema_agreement()
        .await
        .context("waiting for the Cassandra nodes to agree on the schema")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replication_is_read_from_its_flag() {
        assert_eq!("SimpleStrategy:3".parse(), Ok(Replication::Simple(3)));
        assert_eq!(
            "NetworkTopologyStrategy:eu=3,us=2".parse(),
            Ok(Replication::PerDataCentre(vec![
                ("eu".into(), 3),
                ("us".into(), 2)
            ]))
        );
        for bad in [
            "Simple:3",
            "SimpleStrategy:x",
            "NetworkTopologyStrategy:eu",
            "NetworkTopologyStrategy:'x=1",
        ] {
            assert!(bad.parse::<Replication>().is_err(), "{bad}");
        }
        assert!(valid_keyspace("raasel_test"));
        assert!(!valid_keyspace("Raasel") && !valid_keyspace("a;b") && !valid_keyspace("1x"));
    }
}
