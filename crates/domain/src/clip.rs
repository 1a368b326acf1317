//! Shortening text for people: every note, reason and quoted piece of input that has a bound is
//! cut here, at a word (or at least a character) boundary, with an ellipsis that says so.

use std::borrow::Cow;

/// The ellipsis that ends clipped text.
pub const ELLIPSIS: char = '…';

/// `text` as it is when it has at most `max_chars` characters; otherwise its start, cut after the
/// last whole word that fits (mid-word only when a single word fills most of the room), followed
/// by `…`. The result never has more than `max_chars` characters.
pub fn clip(text: &str, max_chars: usize) -> Cow<'_, str> {
    let Some((cut, _)) = text.char_indices().nth(max_chars) else { return Cow::Borrowed(text) };
    if max_chars == 0 {
        return Cow::Borrowed("");
    }
    // Room for the ellipsis: the kept part has at most `max_chars - 1` characters.
    let room = text.char_indices().nth(max_chars - 1).map_or(cut, |(at, _)| at);
    let kept = &text[..room];
    let next_is_break = text[room..].starts_with(char::is_whitespace);
    let kept = match kept.rfind(char::is_whitespace) {
        Some(space) if !next_is_break && space >= room / 2 => &kept[..space],
        _ => kept,
    };
    Cow::Owned(format!("{}{ELLIPSIS}", kept.trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_fits_is_left_as_it_is() {
        assert_eq!(clip("Name or service not known", 25), "Name or service not known");
        assert!(matches!(clip("short", 80), Cow::Borrowed(_)));
    }

    #[test]
    fn long_text_is_cut_after_the_last_whole_word_with_an_ellipsis() {
        assert_eq!(clip("Name or service not known", 19), "Name or service…");
        assert_eq!(clip("Name or service not known", 16), "Name or service…");
    }

    #[test]
    fn a_single_long_word_is_cut_at_a_character_boundary() {
        let clipped = clip("ééééééééééééééééééé", 5);
        assert_eq!(clipped, "éééé…");
    }

    #[test]
    fn the_result_never_exceeds_the_bound() {
        let text = "a bb ccc dddd eeeee ffffff ggggggg ü ß 漢字 🦀🦀🦀 end";
        for max in 1..text.chars().count() + 2 {
            let clipped = clip(text, max);
            assert!(clipped.chars().count() <= max, "{max}: {clipped}");
            let kept = clipped.trim_end_matches(ELLIPSIS);
            assert!(text.starts_with(kept), "{max}: {clipped}");
        }
    }
}
