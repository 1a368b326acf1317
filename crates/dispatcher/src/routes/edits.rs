//! Reading a hook edit at the edge: the editor of an admin's request, and a body parsed into a
//! [`HookInput`] whose `webhookUrl` resolves to public addresses only. Public: the web console
//! reads its hook form with them too.

use api::ApiError;

use crate::hooks::HooksApi;
use crate::hooks::commands::Editor;
use crate::hooks::input::HookInput;

/// The editor and metadata of an admin's request.
pub fn editor(user: &api::Principal) -> Editor {
    Editor { id: user.user_id.0, name: user.display_name.clone() }
}

/// Parses a body into a hook input (422 bad fields), with a `webhookUrl` whose host name
/// resolves to a non-public address refused (422 naming the address).
pub async fn input(api: &HooksApi, body: &serde_json::Map<String, serde_json::Value>) -> Result<HookInput, ApiError> {
    resolved(api, HookInput::parse(body, &api.targets).map_err(ApiError::validation)?).await
}

/// [`input`] for a body that must be a whole hook (a creation or a PUT): missing required
/// fields are reported together with the bad ones.
pub async fn whole_input(
    api: &HooksApi,
    body: &serde_json::Map<String, serde_json::Value>,
) -> Result<HookInput, ApiError> {
    resolved(api, HookInput::parse_whole(body, &api.targets).map_err(ApiError::validation)?).await
}

/// The input, once its `webhookUrl`'s host name is seen to resolve to public addresses only.
async fn resolved(api: &HooksApi, input: HookInput) -> Result<HookInput, ApiError> {
    if let Some(url) = &input.webhook_url {
        api.targets
            .check_resolved(url)
            .await
            .map_err(|refused| ApiError::invalid_field("webhookUrl", refused.to_string()))?;
    }
    Ok(input)
}
