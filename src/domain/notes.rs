//! The system notes a conversation records about its own course.

/// An agent joined (`previous` None) or the conversation moved from `previous` to `agent`.
pub fn assigned(previous: Option<&str>, agent: &str) -> String {
    match previous {
        None => format!("{agent} joined the conversation"),
        Some(p) => format!("Conversation transferred from {p} to {agent}"),
    }
}

/// Someone closed the conversation.
pub fn closed(by: &str) -> String {
    format!("{by} closed the conversation")
}

/// An agent reopened the closed conversation.
pub fn reopened(agent: &str) -> String {
    format!("{agent} reopened the conversation")
}

/// The agent was removed and the conversation went back to the queue.
pub fn requeued(agent: &str) -> String {
    format!("{agent} left; the conversation is back in the queue")
}

/// The sender name of system notes.
pub const SYSTEM_SENDER: &str = "System";
