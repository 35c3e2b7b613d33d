use iothub_client::StatusCode;

#[derive(Debug, Clone, Copy, StatusCode)]
enum Status {
    /// Bad request.
    #[status(code = 0x0100, name = "Bad Request")]
    BadRequest,
    #[status(unknown)]
    Unknown(u16),
}

fn main() {}
