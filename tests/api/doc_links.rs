//! The README and `docs/*.md` link only to files inside the repository, or to public pages over
//! `https://` (issue 10, item 10). A relative link that leaves the repository — such as one to
//! the specification kept beside it — is broken for everyone who reads the repository alone.

use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag};

use crate::doc_blocks::{documented_files, repository_root};

/// A link target and the line it is on.
#[derive(Debug, PartialEq, Eq)]
pub struct Link {
    pub line: usize,
    pub target: String,
}

/// Every link and image target of a markdown text (not those in code), in order.
pub fn links(markdown: &str) -> Vec<Link> {
    Parser::new(markdown)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(Link { line: markdown[..range.start].matches('\n').count() + 1, target: dest_url.into_string() })
            }
            _ => None,
        })
        .collect()
}

/// Where a link of `file` (relative to the root) leads: `None` for a public `https://` page or
/// an anchor in the same file, else the file inside the repository, relative to the root.
pub fn resolve(file: &Path, target: &str) -> Result<Option<PathBuf>, String> {
    if target.starts_with("https://") || target.starts_with('#') {
        return Ok(None);
    }
    if target.contains(':') {
        return Err("only https:// links may leave the repository".into());
    }
    let path = target.split(['#', '?']).next().unwrap_or_default();
    if path.starts_with('/') {
        return Err("an absolute path: link relative to this file".into());
    }
    let mut resolved = PathBuf::new();
    for component in file.parent().unwrap_or(Path::new("")).join(path).components() {
        match component {
            Component::Normal(part) => resolved.push(part),
            Component::ParentDir if resolved.pop() => {}
            Component::ParentDir => return Err("points outside the repository".into()),
            _ => {}
        }
    }
    Ok(Some(resolved))
}

#[test]
fn every_link_in_the_readme_and_docs_leads_to_a_file_in_the_repository() {
    let root = repository_root();
    let mut broken = Vec::new();
    for file in documented_files() {
        let markdown = std::fs::read_to_string(root.join(&file)).expect("a documentation file");
        for link in links(&markdown) {
            let problem = match resolve(&file, &link.target) {
                Ok(Some(path)) if !root.join(&path).exists() => Some(format!("no file {}", path.display())),
                Ok(_) => None,
                Err(problem) => Some(problem),
            };
            if let Some(problem) = problem {
                broken.push(format!("{}:{}: ({}) {problem}", file.display(), link.line, link.target));
            }
        }
    }

    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_images_are_found_with_their_lines_but_not_in_code() {
        let markdown =
            "[a](docs/a.md)\n\n`[b](b.md)`\n\n```\n[c](c.md)\n```\n![d](img/d.png) and [e][ref]\n\n[ref]: e.md\n";

        let found = links(markdown);

        let targets: Vec<(usize, &str)> = found.iter().map(|l| (l.line, l.target.as_str())).collect();

        assert_eq!(targets, vec![(1, "docs/a.md"), (8, "img/d.png"), (8, "e.md")]);
    }

    #[test]
    fn relative_links_resolve_from_the_linking_files_directory() {
        assert_eq!(resolve(Path::new("docs/api.md"), "inbound.md#sign"), Ok(Some(PathBuf::from("docs/inbound.md"))));
        assert_eq!(resolve(Path::new("docs/api.md"), "../README.md"), Ok(Some(PathBuf::from("README.md"))));
        assert_eq!(resolve(Path::new("README.md"), "docs/hooks.md"), Ok(Some(PathBuf::from("docs/hooks.md"))));
    }

    #[test]
    fn https_pages_and_anchors_are_accepted_without_a_file() {
        assert_eq!(resolve(Path::new("README.md"), "https://www.standardwebhooks.com/"), Ok(None));
        assert_eq!(resolve(Path::new("README.md"), "#run-it"), Ok(None));
    }

    #[test]
    fn links_leaving_the_repository_are_refused() {
        for target in ["../shared/SPEC.md", "docs/../../x.md", "/etc/passwd", "http://example.com", "file:///x"] {
            assert!(resolve(Path::new("README.md"), target).is_err(), "{target} was accepted");
        }
        assert!(resolve(Path::new("docs/api.md"), "../../shared/SPEC.md").is_err());
    }
}
