//! Answer shapes of the hooks API that JSON trees cannot express: objects keyed by id (or by a
//! batch index) in a chosen order. (`serde_json::Value` maps sort their keys as text, which
//! would put hook 10 before hook 2.)

use serde::ser::{Serialize, SerializeMap, Serializer};

/// A JSON object whose entries keep the order given.
pub struct Ordered<V>(pub Vec<(String, V)>);

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// `{"total": n, "hooks": {"<id>": hook, …}}`
#[derive(serde::Serialize)]
pub struct HookList<'a> {
    pub total: u64,
    pub hooks: Ordered<crate::hooks::model::HookView<'a>>,
}
