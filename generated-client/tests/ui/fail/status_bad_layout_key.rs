use iothub_client::StatusCode;

#[derive(Debug, Clone, Copy, StatusCode)]
#[status(layout = iothub_client::api::STATUS_LAYOUT, kind_mask = 0x0300)]
enum Status {
    #[status(code = 0x0100, reason = 131, name = "Bad Request")]
    BadRequest,
    #[status(unknown)]
    Unknown(u16),
}

fn main() {}
