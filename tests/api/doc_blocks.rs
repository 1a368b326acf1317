//! The fenced code blocks of the README and `docs/*.md`, as CommonMark reads them, with the line
//! each starts on and the "not run" marker that may precede it.

use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// The marker that excludes the `sh` block right below it from the documented-commands test:
/// `<!-- not run: <why> -->` on the line just above the opening fence.
const NOT_RUN: &str = "<!-- not run:";

/// One fenced code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The first word of the info string (`sh`, `json`, …); empty when there is none.
    pub lang: String,
    /// The block's content, indentation of an enclosing list item removed.
    pub text: String,
    /// The reason given by a `<!-- not run: … -->` marker just above the fence.
    pub not_run: Option<String>,
}

impl Block {
    /// Whether the documented-commands test runs this block.
    pub fn runs(&self) -> bool {
        self.lang == "sh" && self.not_run.is_none()
    }

    /// The lines of the block whose command is `curl` or `dealflow`.
    pub fn command_lines(&self) -> Vec<&str> {
        self.text.lines().map(str::trim_start).filter(|line| is_command(line)).collect()
    }
}

fn is_command(line: &str) -> bool {
    ["curl", "dealflow"].iter().any(|name| line == *name || line.starts_with(&format!("{name} ")))
}

/// Every fenced code block of a markdown text, in order.
pub fn fenced_blocks(markdown: &str) -> Vec<Block> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let line = markdown[..range.start].matches('\n').count() + 1;
                let lang = info.split_whitespace().next().unwrap_or_default().to_owned();
                let not_run = line.checked_sub(2).and_then(|above| not_run_reason(lines[above]));
                open = Some(Block { line, lang, text: String::new(), not_run });
            }
            Event::Text(text) => {
                if let Some(block) = open.as_mut() {
                    block.text.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(open.take()),
            _ => {}
        }
    }
    blocks
}

/// The reason of a `<!-- not run: <why> -->` line; an empty reason counts as one, so that the
/// test can refuse it.
fn not_run_reason(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix(NOT_RUN)?.strip_suffix("-->")?;
    Some(rest.trim().to_owned())
}

/// The repository's root directory.
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the repository root exists")
}

/// README.md and every `docs/*.md`, as paths relative to the repository root, sorted.
pub fn documented_files() -> Vec<PathBuf> {
    let root = repository_root();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/ exists")
        .map(|entry| entry.expect("a docs/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .map(|path| path.strip_prefix(&root).expect("inside the root").to_path_buf())
        .collect();
    files.sort();
    files.insert(0, PathBuf::from("README.md"));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_come_in_order_with_their_fence_line_language_and_text() {
        let markdown = "# T\n\n```sh\ncurl a\ncurl b\n```\n\ntext\n\n```json\n{}\n```\n";

        let blocks = fenced_blocks(markdown);

        assert_eq!(
            blocks,
            vec![
                Block { line: 3, lang: "sh".into(), text: "curl a\ncurl b\n".into(), not_run: None },
                Block { line: 10, lang: "json".into(), text: "{}\n".into(), not_run: None },
            ]
        );
    }

    #[test]
    fn a_block_in_a_list_item_loses_the_items_indentation() {
        let markdown = "- item:\n\n  ```sh\n  dealflow dispatch\n  ```\n";

        let blocks = fenced_blocks(markdown);

        assert_eq!(blocks.len(), 1);
        assert_eq!((blocks[0].line, blocks[0].text.as_str()), (3, "dealflow dispatch\n"));
    }

    #[test]
    fn a_marker_on_the_line_above_the_fence_excludes_that_block_only() {
        let markdown = "<!-- not run: starts the server -->\n```sh\nx\n```\n\n```sh\ny\n```\n";

        let blocks = fenced_blocks(markdown);

        assert_eq!(blocks[0].not_run.as_deref(), Some("starts the server"));
        assert!(!blocks[0].runs());
        assert_eq!(blocks[1].not_run, None);
        assert!(blocks[1].runs());
    }

    #[test]
    fn a_marker_separated_from_the_fence_by_a_line_excludes_nothing() {
        let markdown = "<!-- not run: too far -->\n\n```sh\nx\n```\n";

        assert_eq!(fenced_blocks(markdown)[0].not_run, None);
    }

    #[test]
    fn fences_inside_inline_code_or_other_blocks_are_not_blocks() {
        let markdown = "Use `` ```sh `` to start one.\n\n````md\n```sh\ncurl x\n```\n````\n";

        let blocks = fenced_blocks(markdown);

        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].lang, "md");
    }

    #[test]
    fn command_lines_are_those_that_start_with_curl_or_dealflow() {
        let block = Block {
            line: 1,
            lang: "sh".into(),
            text: "curl -u x y\n  dealflow sign -\n./target/release/dealflow-bench append\ncurling\n".into(),
            not_run: None,
        };

        assert_eq!(block.command_lines(), vec!["curl -u x y", "dealflow sign -"]);
    }
}
