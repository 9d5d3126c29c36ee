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

/// Nobody answered the customer in time: the conversation moved on (to `to`, or the queue).
pub fn unanswered(from: &str, to: Option<&str>, minutes: i64) -> String {
    match to {
        Some(to) => {
            format!("No answer from {from} within {minutes} min; the conversation moved to {to}")
        }
        None => format!(
            "No answer from {from} within {minutes} min; the conversation is back in the queue"
        ),
    }
}

/// The conversation had no message for the organization's inactivity period.
pub fn resolved_when_inactive(minutes: i64) -> String {
    format!("Closed after {minutes} min without a message")
}

/// The customer wrote again soon after the close.
pub const REOPENED_BY_CUSTOMER: &str = "The customer wrote again; the conversation is open again";

/// The conversation moved to another team's queue.
pub fn moved_to_team(team: &str) -> String {
    format!("The conversation moved to the {team} team")
}

/// The agent was removed and the conversation went back to the queue.
pub fn requeued(agent: &str) -> String {
    format!("{agent} left; the conversation is back in the queue")
}

/// The sender name of system notes.
pub const SYSTEM_SENDER: &str = "System";
