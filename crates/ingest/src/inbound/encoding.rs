//! What senders do to a body besides signing it: compress it (`Content-Encoding: gzip` or
//! `deflate`) and put a UTF-8 byte-order mark before the JSON. Both are undone only after the
//! signature was verified over the bytes as sent; decoding streams and stops at the body cap, so
//! a decompression bomb costs at most the cap in memory.

use std::io::{BufRead, BufReader, Read};

use actix_web::web::Bytes;
use flate2::read::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};

/// A content coding this endpoint decodes (RFC 9110 §8.4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    /// `gzip` (or `x-gzip`): one or more gzip members.
    Gzip,
    /// `deflate`: zlib-wrapped as the RFC says, or raw deflate as some senders send it.
    Deflate,
}

/// Why a body could not be decoded.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A coding other than gzip, deflate and identity (`br`, `compress`, `zstd`, …).
    #[error("Content-Encoding {0:?} is not supported; send the body uncompressed or compressed with gzip or deflate")]
    Unsupported(String),
    /// The decoded body is larger than the cap.
    #[error("the decoded body exceeds the limit of {0} bytes")]
    TooLarge(usize),
    /// The bytes are not what the header says.
    #[error("the body is not valid {encoding} data ({reason}); send Content-Encoding as the body was compressed")]
    Corrupt { encoding: String, reason: String },
}

/// The codings of a `Content-Encoding` header, in the order the sender applied them; `identity`
/// and empty items are left out.
pub fn codings(header: Option<&[u8]>) -> Result<Vec<Coding>, DecodeError> {
    let Some(header) = header else { return Ok(Vec::new()) };
    let text = std::str::from_utf8(header).map_err(|_| DecodeError::Unsupported(lossy(header)))?;
    let mut codings = Vec::new();
    for item in text.split(',').map(str::trim).filter(|item| !item.is_empty()) {
        match item.to_ascii_lowercase().as_str() {
            "identity" => {}
            "gzip" | "x-gzip" => codings.push(Coding::Gzip),
            "deflate" => codings.push(Coding::Deflate),
            _ => return Err(DecodeError::Unsupported(item.to_owned())),
        }
    }
    Ok(codings)
}

/// The body with its codings undone (last applied first), at most `limit` bytes.
pub fn decode(body: Bytes, codings: &[Coding], limit: usize) -> Result<Bytes, DecodeError> {
    if codings.is_empty() {
        return Ok(body);
    }
    let mut reader: Box<dyn Read + '_> = Box::new(&body[..]);
    for coding in codings.iter().rev() {
        reader = coding.decoder(reader);
    }
    let mut decoded = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader.take(cap).read_to_end(&mut decoded).map_err(|error| DecodeError::Corrupt {
        encoding: codings.iter().map(|c| c.name()).collect::<Vec<_>>().join(", "),
        reason: error.to_string(),
    })?;
    if decoded.len() > limit {
        return Err(DecodeError::TooLarge(limit));
    }
    Ok(Bytes::from(decoded))
}

/// The body without a leading UTF-8 byte-order mark.
pub fn without_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

impl Coding {
    fn name(self) -> &'static str {
        match self {
            Self::Gzip => "gzip",
            Self::Deflate => "deflate",
        }
    }

    fn decoder<'a>(self, inner: Box<dyn Read + 'a>) -> Box<dyn Read + 'a> {
        match self {
            Self::Gzip => Box::new(MultiGzDecoder::new(inner)),
            Self::Deflate => {
                let mut buffered = BufReader::new(inner);
                let zlib = buffered.fill_buf().map(is_zlib_header).unwrap_or(true);
                if zlib { Box::new(ZlibDecoder::new(buffered)) } else { Box::new(DeflateDecoder::new(buffered)) }
            }
        }
    }
}

/// Whether data starts with a zlib header (RFC 1950 §2.2: method 8, check bits a multiple of 31).
fn is_zlib_header(start: &[u8]) -> bool {
    match start {
        [cmf, flg, ..] => cmf & 0x0f == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0,
        _ => false,
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};

    use super::*;

    const JSON: &[u8] = br#"{"title":"Compressed"}"#;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn raw_deflate(data: &[u8]) -> Vec<u8> {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn the_header_lists_codings_in_the_order_applied_and_drops_identity() {
        assert_eq!(codings(None), Ok(vec![]));
        assert_eq!(codings(Some(b"identity")), Ok(vec![]));
        assert_eq!(codings(Some(b"GZIP")), Ok(vec![Coding::Gzip]));
        assert_eq!(codings(Some(b"x-gzip")), Ok(vec![Coding::Gzip]));
        assert_eq!(codings(Some(b"deflate, gzip")), Ok(vec![Coding::Deflate, Coding::Gzip]));
    }

    #[test]
    fn any_other_coding_is_unsupported_by_name() {
        for (header, named) in
            [("br", "br"), ("compress", "compress"), ("gzip, zstd", "zstd"), ("x-custom", "x-custom")]
        {
            assert_eq!(codings(Some(header.as_bytes())), Err(DecodeError::Unsupported(named.to_owned())), "{header}");
        }
        let message = DecodeError::Unsupported("br".into()).to_string();
        assert!(message.starts_with("Content-Encoding \"br\" is not supported"), "{message}");
    }

    #[test]
    fn gzip_zlib_and_raw_deflate_bodies_decode_to_the_json() {
        for (encoded, coding) in
            [(gzip(JSON), Coding::Gzip), (zlib(JSON), Coding::Deflate), (raw_deflate(JSON), Coding::Deflate)]
        {
            assert_eq!(decode(Bytes::from(encoded), &[coding], 1024).unwrap(), JSON, "{coding:?}");
        }
    }

    #[test]
    fn stacked_codings_are_undone_last_first() {
        let body = gzip(&zlib(JSON));
        assert_eq!(decode(Bytes::from(body), &[Coding::Deflate, Coding::Gzip], 1024).unwrap(), JSON);
    }

    #[test]
    fn a_body_that_decodes_past_the_cap_is_too_large_however_small_it_came() {
        let bomb = gzip(&vec![0_u8; 10 << 20]);
        assert!(bomb.len() < 20_000, "{} bytes", bomb.len());
        assert_eq!(decode(Bytes::from(bomb), &[Coding::Gzip], 1 << 20), Err(DecodeError::TooLarge(1 << 20)));
        assert_eq!(decode(Bytes::from(gzip(&[b' '; 1025])), &[Coding::Gzip], 1024), Err(DecodeError::TooLarge(1024)));
        assert_eq!(decode(Bytes::from(gzip(&[b' '; 1024])), &[Coding::Gzip], 1024).unwrap().len(), 1024);
    }

    #[test]
    fn bytes_that_are_not_what_the_header_says_are_corrupt() {
        let refused = decode(Bytes::from_static(JSON), &[Coding::Gzip], 1024);
        assert!(matches!(refused, Err(DecodeError::Corrupt { ref encoding, .. }) if encoding == "gzip"), "{refused:?}");
        let mut truncated = gzip(JSON);
        truncated.truncate(truncated.len() - 8);
        assert!(matches!(decode(Bytes::from(truncated), &[Coding::Gzip], 1024), Err(DecodeError::Corrupt { .. })));
    }

    #[test]
    fn a_leading_byte_order_mark_is_skipped_and_nothing_else() {
        assert_eq!(without_bom(b"\xEF\xBB\xBF{}"), b"{}");
        assert_eq!(without_bom(b"{}"), b"{}");
        assert_eq!(without_bom(b" \xEF\xBB\xBF{}"), b" \xEF\xBB\xBF{}");
    }
}
