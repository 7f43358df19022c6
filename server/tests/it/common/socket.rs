//! The `/ws` live link as a browser holds it.

use app::ordering::{OrderId, OrderStatus};
use app::platform::live::{ClientMessage, ServerMessage};
use futures::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `/ws` on the server at `base` with this session cookie; the HTTP status if refused.
pub async fn connect(base: &str, cookie: Option<&str>) -> Result<Socket, u16> {
    let mut request = format!("{}/ws", base.replace("http://", "ws://"))
        .into_client_request()
        .expect("websocket request");
    if let Some(cookie) = cookie {
        request
            .headers_mut()
            .insert("Cookie", cookie.parse().expect("header value"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(error) => panic!("unexpected websocket failure: {error}"),
    }
}

pub async fn send(socket: &mut Socket, message: ClientMessage) {
    let text = serde_json::to_string(&message).expect("encodes");
    socket.send(Message::text(text)).await.expect("sent");
}

/// The next message from the server, within ten seconds.
pub async fn next(socket: &mut Socket) -> ServerMessage {
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
            .await
            .expect("a message within ten seconds")
            .expect("socket open")
            .expect("frame");
        if let Message::Text(text) = frame {
            return serde_json::from_str(text.as_str()).expect("a ServerMessage");
        }
    }
}

/// Reads until a change says `order` is now `status`; other changes and resyncs pass by.
pub async fn until_status(socket: &mut Socket, order: OrderId, status: OrderStatus) {
    loop {
        match next(socket).await {
            ServerMessage::Changed(change)
                if change.order_id == order && change.status == Some(status) =>
            {
                return
            }
            ServerMessage::Changed(_) | ServerMessage::Resync => continue,
            other => panic!("unexpected {other:?} while waiting for {status:?}"),
        }
    }
}

/// The close code the server ends `socket` with, within five seconds (other messages pass by);
/// `None` if it drops without a close frame.
pub async fn close_code(socket: &mut Socket) -> Option<u16> {
    tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                _ => return None,
            }
        }
    })
    .await
    .expect("the socket closes within five seconds")
}
