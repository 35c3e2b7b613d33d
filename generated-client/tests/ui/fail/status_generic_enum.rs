use iothub_client::StatusCode;

#[derive(Clone, Copy, StatusCode)]
#[status(layout = iothub_client::api::STATUS_LAYOUT)]
enum Status<T> {
    #[status(code = 0x0100, reason = 131, name = "Bad Request")]
    BadRequest,
    #[status(unknown)]
    Unknown(u16),
    #[allow(dead_code)]
    Never(std::marker::PhantomData<T>),
}

fn main() {}
