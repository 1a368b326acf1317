//! Files dealflow creates that hold data (the database, exports) are readable by their owner
//! only, whatever the umask: a copy of contacts' emails is no less private than the database.

use std::fs::OpenOptions;

/// Options that write a file and create it with mode 0600.
pub fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}
