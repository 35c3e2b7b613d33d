use iothub_client::StatusCode;

#[derive(Debug, Clone, Copy, StatusCode)]
#[status(layout = iothub_client::api::STATUS_LAYOUT)]
enum Status {
    #[status(code = 0x10000, reason = 131, name = "Too Large")]
    TooLarge,
    #[status(unknown)]
    Unknown(u16),
}

fn main() {}
