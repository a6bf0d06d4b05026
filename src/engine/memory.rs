//! Giving freed heap back to the system: glibc keeps it otherwise, so the
//! daemon stayed at a batch's peak (29.6 MiB against 10.8 MiB) until the
//! next moment, and the console at an overview's.

/// Returns the heap freed since the last call to the system (glibc; a no-op
/// elsewhere).
pub fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas; any thread may call it.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// One malloc arena for a long-running process (the daemon, the console):
/// glibc makes up to 8 per core, one per thread that allocates — the
/// blocking pool's threads each kept their own, and a burst of console
/// pages left 26.6 MiB of heap 60 s later; 26.6 with two arenas, 16.2 with
/// one (`bench/heap_after_burst.sh`, 3 400 agencies). Its work is one
/// thread's at a time but for the console's few pooled connections.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets glibc's tunables; called at start, before
    // the runtime's threads exist.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
