//! SQLite's parameter markers in PostgreSQL's spelling: one SQL text serves both dialects.
//!
//! Stores write `?1`, `?2` … (or bare `?`, numbered as SQLite numbers them: one past the
//! largest so far); PostgreSQL reads `$1`, `$2` …. Markers inside quoted literals, quoted
//! identifiers and comments are left alone.

/// `sql` with every `?N` and `?` outside quotes and comments written as `$N`.
pub(crate) fn to_postgres(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut largest = 0_u32;
    let mut chars = sql.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        match c {
            '\'' | '"' => copy_quoted(c, &mut chars, &mut out),
            '-' if chars.peek().is_some_and(|(_, next)| *next == '-') => copy_line_comment(&mut chars, &mut out),
            '?' => {
                let mut digits = String::new();
                while let Some((_, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                let number = digits.parse().unwrap_or(largest + 1);
                largest = largest.max(number);
                out.push('$');
                out.push_str(&number.to_string());
            }
            _ => out.push(c),
        }
    }
    out
}

fn copy_quoted(quote: char, chars: &mut impl Iterator<Item = (usize, char)>, out: &mut String) {
    out.push(quote);
    // A doubled quote inside reads as the end and a new start, which copies it unchanged.
    for (_, c) in chars.by_ref() {
        out.push(c);
        if c == quote {
            return;
        }
    }
}

fn copy_line_comment(chars: &mut impl Iterator<Item = (usize, char)>, out: &mut String) {
    out.push('-');
    for (_, c) in chars.by_ref() {
        out.push(c);
        if c == '\n' {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::to_postgres;

    #[test]
    fn given_numbered_markers_when_translated_then_they_keep_their_numbers() {
        assert_eq!(
            to_postgres("SELECT a FROM t WHERE b = ?2 AND c = ?1 OR d = ?2"),
            "SELECT a FROM t WHERE b = $2 AND c = $1 OR d = $2"
        );
    }

    #[test]
    fn given_bare_markers_when_translated_then_they_count_up_past_the_largest() {
        assert_eq!(to_postgres("VALUES (?, ?, ?5, ?)"), "VALUES ($1, $2, $5, $6)");
    }

    #[test]
    fn given_markers_in_literals_and_comments_when_translated_then_they_stay() {
        let sql = "SELECT '?1', \"a?\" -- why?\nFROM t WHERE x = ? AND y = 'it''s ?'";
        assert_eq!(to_postgres(sql), "SELECT '?1', \"a?\" -- why?\nFROM t WHERE x = $1 AND y = 'it''s ?'");
    }

    #[test]
    fn given_no_markers_when_translated_then_the_text_is_unchanged() {
        assert_eq!(to_postgres("SELECT 1 - 2"), "SELECT 1 - 2");
    }
}
