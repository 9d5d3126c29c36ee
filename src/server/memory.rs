//! How the process's memory is tuned. Rust's allocations go to mimalloc (set as the global
//! allocator by the binary); SQLite's, made in C, go to glibc's malloc.

/// Tunes the process's memory; called first thing in `main`, before it allocates much.
///
/// No transparent huge pages: where the kernel gives them to every process, mimalloc's arenas,
/// mapped 2 MiB-aligned, would get a whole 2 MiB page for each part touched (an idle server
/// held 18 MiB of anonymous memory; 8.7 MiB with this, the pages touched before `main` still
/// huge). glibc gives large blocks back to the system
/// when they are freed: it otherwise raises its mmap threshold after the first such free and
/// keeps later blocks in its heaps.
pub fn tune_memory() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning; called before other threads allocate much.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}
