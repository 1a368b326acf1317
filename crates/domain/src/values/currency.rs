use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An active ISO 4217 currency code, upper case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

/// Active ISO 4217 codes (list 1, 2025), sorted for binary search.
const ISO_4217: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
    "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF",
    "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR",
    "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS",
    "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
    "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP",
    "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE",
    "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS",
    "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XAG", "XAU",
    "XCD", "XCG", "XOF", "XPD", "XPF", "XPT", "YER", "ZAR", "ZMW", "ZWG",
];

/// The text is not an ISO 4217 code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("must be an ISO 4217 currency code such as USD or EUR")]
pub struct UnknownCurrency;

impl Currency {
    /// US dollars, the default when configuration names none.
    pub const USD: Currency = Currency(*b"USD");

    /// Parses a code, accepting lower case.
    pub fn parse(text: &str) -> Result<Self, UnknownCurrency> {
        let upper = text.trim().to_ascii_uppercase();
        if ISO_4217.binary_search(&upper.as_str()).is_err() {
            return Err(UnknownCurrency);
        }
        let bytes = upper.as_bytes();
        Ok(Self([bytes[0], bytes[1], bytes[2]]))
    }

    /// The three-letter code.
    pub fn code(&self) -> &str {
        // The bytes came from a validated ASCII code.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Currency::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_list_is_sorted_for_binary_search() {
        assert!(ISO_4217.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn parses_known_codes_in_any_case() {
        assert_eq!(Currency::parse("eur").unwrap().code(), "EUR");
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("ABC").is_err());
    }
}
