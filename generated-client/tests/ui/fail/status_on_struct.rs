use iothub_client::StatusCode;

#[derive(Clone, Copy, StatusCode)]
struct Status(u16);

fn main() {}
