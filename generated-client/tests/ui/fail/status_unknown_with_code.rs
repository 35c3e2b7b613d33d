use iothub_client::StatusCode;

#[derive(Debug, Clone, Copy, StatusCode)]
#[status(layout = iothub_client::api::STATUS_LAYOUT)]
enum Status {
    #[status(code = 0x0100, reason = 131, name = "Bad Request")]
    BadRequest,
    /// Codes the enum does not list.
    #[status(unknown, name = "Unknown")]
    Unknown(u16),
}

fn main() {}
