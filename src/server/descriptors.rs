//! The process's file descriptor budget: connections must leave room for the store, the log
//! and the listener, so the process never runs out of descriptors under a connection flood.

/// Descriptors kept for everything that is not a client connection.
const RESERVED_DESCRIPTORS: u64 = 256;

/// Raises the soft descriptor limit to the hard one and returns the connection cap that fits:
/// the configured cap, or less when the limit is lower.
pub fn connection_cap(configured: usize) -> usize {
    let limit = raise_descriptor_limit();
    let fits = limit.saturating_sub(RESERVED_DESCRIPTORS).max(1);
    let cap = configured.min(usize::try_from(fits).unwrap_or(usize::MAX));
    if cap < configured {
        tracing::warn!(
            configured,
            cap,
            descriptor_limit = limit,
            "the connection cap is lowered to fit the process's descriptor limit"
        );
    }
    cap
}

#[cfg(unix)]
fn raise_descriptor_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed to them.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    limit.rlim_cur
}

#[cfg(not(unix))]
fn raise_descriptor_limit() -> u64 {
    u64::MAX
}
