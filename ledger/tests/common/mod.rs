//! What the ledger's test files share.

/// `name` made unique to this process and moment, so that runs against one database never
/// see each other's agents and accounts.
pub fn unique(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    format!("{name}-{}-{nanos}", std::process::id())
}
