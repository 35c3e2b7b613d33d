use iothub_client::StatusCode;

#[derive(Debug, Clone, Copy, StatusCode)]
#[status(layout = iothub_client::api::STATUS_LAYOUT)]
enum Status {
    /// Bad request.
    #[status(code = 0x0100, reason = 131, name = "Bad Request")]
    BadRequest { detail: u8 },
    #[status(unknown)]
    Unknown(u16),
}

fn main() {}
