use iothub_client::StatusCode;

#[derive(Debug, Clone, Copy, StatusCode)]
#[status(layout = iothub_client::api::STATUS_LAYOUT)]
enum Status {
    /// Bad request.
    #[status(code = 0x0100, name = "Bad Request")]
    BadRequest,
    #[status(unknown)]
    Unknown(u16),
}

fn main() {}
