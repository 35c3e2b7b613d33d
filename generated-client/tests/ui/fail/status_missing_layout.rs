use iothub_client::StatusCode;

// The derive knows no layout of its own: the enum names one.
#[derive(Debug, Clone, Copy, StatusCode)]
enum Status {
    #[status(code = 0x0100, reason = 131, name = "Bad Request")]
    BadRequest,
    #[status(unknown)]
    Unknown(u16),
}

fn main() {}
