//! The only builder of room names, fed with verified ids.

use crate::fanout::Target;

pub fn room(target: Target) -> String {
    match target {
        Target::OrgAgents(id) => format!("org:{id}"),
        Target::Agent(id) => format!("agent:{id}"),
        Target::Client(id) => format!("client:{id}"),
        Target::OrgVisitors(id) => format!("visitors:{id}"),
        Target::SessionRoom(id) => format!("session:{id}"),
        Target::Device(id) => format!("device:{id}"),
    }
}

pub fn rooms(targets: &[Target]) -> Vec<String> {
    targets.iter().copied().map(room).collect()
}

/// The room of every socket on one node (so a cluster broadcast can leave them out).
pub fn node_room(node: uuid::Uuid) -> String {
    format!("node:{node}")
}
