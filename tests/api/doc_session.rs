//! One documentation file's `sh` blocks as one bash script: the placeholders filled in, `curl`
//! made to fail on HTTP errors, and a marker before each block so a failure names its block.

use crate::doc_blocks::Block;

/// The server address the docs show; the script uses the live server's instead.
pub const DOCUMENTED_ADDRESS: &str = "http://127.0.0.1:8080";

/// The placeholder of the admin's password in the docs.
pub const PASSWORD_PLACEHOLDER: &str = "<password>";

/// Commands documented as following until interrupted: the script runs them for a second and
/// they pass when they were still running then.
const FOLLOWING: &[&str] = &["dealflow events tail"];

/// What the script needs to know about the live server.
#[derive(Debug, Clone)]
pub struct Live {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    pub password: String,
}

/// Runs under `bash -euo pipefail`. `--fail-with-body` turns an HTTP error into a failed command
/// that still shows the answer; `set -x` shows which command failed. `__block` writes the line
/// of the block about to run to `$DOCS_PROGRESS` and to the output.
const PREAMBLE: &str = r#"exec 2>&1
curl() { command curl -sS --fail-with-body --max-time 30 "$@"; }
__follow() {
  local status=0
  timeout 1 "$@" || status=$?
  [ "$status" -eq 124 ] || { echo "'$*' exited with $status instead of following until interrupted"; return 1; }
}
__block() { printf '%s\n' "$1" >> "$DOCS_PROGRESS"; printf '\n%s%s\n' "$BLOCK_MARKER" "$1"; }
PS4='+ '
set -x
"#;

/// Printed before each block's output, followed by the block's line.
pub const BLOCK_MARKER: &str = "=== block at line ";

/// The script of a file's blocks that run, in order.
pub fn session_script(blocks: &[Block], live: &Live) -> String {
    let mut script = format!("BLOCK_MARKER='{BLOCK_MARKER}'\n{PREAMBLE}");
    for block in blocks.iter().filter(|block| block.runs()) {
        script.push_str(&format!("__block {}\n", block.line));
        for line in block.text.lines() {
            script.push_str(&fill_in(line, live));
            script.push('\n');
        }
    }
    script
}

/// A block's line as it runs: placeholders replaced, a following command wrapped.
fn fill_in(line: &str, live: &Live) -> String {
    let line = line.replace(DOCUMENTED_ADDRESS, &live.address).replace(PASSWORD_PLACEHOLDER, &live.password);
    match FOLLOWING.iter().any(|command| line.trim_start().starts_with(command)) {
        true => format!("__follow {}", line.trim_start()),
        false => line,
    }
}

/// The output of the block at `line`: what follows its marker.
pub fn block_output(output: &str, line: usize) -> &str {
    let marker = format!("{BLOCK_MARKER}{line}\n");
    output.rfind(&marker).map_or(output, |at| &output[at + marker.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live() -> Live {
        Live { address: "http://127.0.0.1:4321".into(), password: "pw".into() }
    }

    fn sh(line: usize, text: &str) -> Block {
        Block { line, lang: "sh".into(), text: text.into(), not_run: None }
    }

    #[test]
    fn the_documented_address_and_password_become_the_live_ones() {
        let script =
            session_script(&[sh(3, "curl -u admin:<password> http://127.0.0.1:8080/api/users/self\n")], &live());

        assert!(script.contains("__block 3\ncurl -u admin:pw http://127.0.0.1:4321/api/users/self\n"), "{script}");
    }

    #[test]
    fn blocks_run_in_order_and_excluded_or_other_blocks_do_not_run() {
        let excluded = Block { not_run: Some("builds".into()), ..sh(5, "cargo build\n") };
        let json = Block { lang: "json".into(), ..sh(9, "{}\n") };

        let script = session_script(&[sh(1, "A=1\n"), excluded, json, sh(12, "echo $A\n")], &live());

        let body = &script[script.find("__block 1").unwrap()..];
        assert_eq!(body, "__block 1\nA=1\n__block 12\necho $A\n");
    }

    #[test]
    fn a_following_command_is_run_under_follow() {
        let script = session_script(&[sh(1, "dealflow events tail --type deal.*   # follow\n")], &live());

        assert!(script.contains("\n__follow dealflow events tail --type deal.*   # follow\n"), "{script}");
    }

    #[test]
    fn the_output_of_a_block_starts_after_its_marker() {
        let output = format!("x\n{BLOCK_MARKER}3\nfirst\n{BLOCK_MARKER}30\nsecond\n");

        assert_eq!(block_output(&output, 30), "second\n");
        assert_eq!(block_output(&output, 3), format!("first\n{BLOCK_MARKER}30\nsecond\n"));
    }
}
