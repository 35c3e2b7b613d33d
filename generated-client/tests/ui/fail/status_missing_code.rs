use iothub_client::StatusCode;

#[derive(Debug, Clone, Copy, StatusCode)]
#[status(layout = iothub_client::api::STATUS_LAYOUT)]
enum Status {
    /// Bad request.
    #[status(reason = 131, name = "Bad Request")]
    BadRequest,
    #[status(unknown)]
    Unknown(u16),
}

fn main() {}
