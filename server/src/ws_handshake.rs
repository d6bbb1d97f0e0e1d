//! The WebSocket opening handshake (RFC 6455, 4.2), done here rather than by
//! axum's `WebSocketUpgrade`, which keeps the connection inside a stream of its
//! own: Tafel's rooms write into a socket's connection themselves
//! ([`crate::ws_conn`]). The checks are axum's; the accept key is tungstenite's.

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Version};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::TokioIo;
use std::future::Future;

/// The connection once the handshake is done.
pub type Upgraded = TokioIo<hyper::upgrade::Upgraded>;

/// A request to open a WebSocket, checked.
pub struct WsUpgrade {
    key: HeaderValue,
    offered: Vec<String>,
    on_upgrade: hyper::upgrade::OnUpgrade,
}

/// Why a request cannot open a WebSocket.
#[derive(Debug)]
pub struct NotAWebSocket(StatusCode, &'static str);

impl IntoResponse for NotAWebSocket {
    fn into_response(self) -> Response {
        (self.0, self.1).into_response()
    }
}

fn header_is(headers: &HeaderMap, name: header::HeaderName, value: &str) -> bool {
    headers
        .get(name)
        .is_some_and(|h| h.as_bytes().eq_ignore_ascii_case(value.as_bytes()))
}

fn header_names(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|h| {
        h.to_str()
            .is_ok_and(|h| h.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    })
}

impl<S: Send + Sync> FromRequestParts<S> for WsUpgrade {
    type Rejection = NotAWebSocket;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let refuse = |status, why| Err(NotAWebSocket(status, why));
        if parts.version != Version::HTTP_11 {
            return refuse(
                StatusCode::HTTP_VERSION_NOT_SUPPORTED,
                "WebSockets open over HTTP/1.1",
            );
        }
        if parts.method != Method::GET {
            return refuse(StatusCode::METHOD_NOT_ALLOWED, "a WebSocket opens with GET");
        }
        if !header_names(&parts.headers, header::CONNECTION, "upgrade") {
            return refuse(
                StatusCode::BAD_REQUEST,
                "Connection header did not include 'upgrade'",
            );
        }
        if !header_is(&parts.headers, header::UPGRADE, "websocket") {
            return refuse(
                StatusCode::BAD_REQUEST,
                "`Upgrade` header did not include 'websocket'",
            );
        }
        if !header_is(&parts.headers, header::SEC_WEBSOCKET_VERSION, "13") {
            return refuse(
                StatusCode::BAD_REQUEST,
                "`Sec-WebSocket-Version` header did not include '13'",
            );
        }
        let Some(key) = parts.headers.get(header::SEC_WEBSOCKET_KEY).cloned() else {
            return refuse(
                StatusCode::BAD_REQUEST,
                "`Sec-WebSocket-Key` header missing",
            );
        };
        let Some(on_upgrade) = parts.extensions.remove::<hyper::upgrade::OnUpgrade>() else {
            return refuse(
                StatusCode::UPGRADE_REQUIRED,
                "WebSocket request couldn't be upgraded since no upgrade state was present",
            );
        };
        let offered = parts
            .headers
            .get_all(header::SEC_WEBSOCKET_PROTOCOL)
            .iter()
            .filter_map(|h| h.to_str().ok())
            .flat_map(|h| h.split(','))
            .map(|p| p.trim().to_owned())
            .collect();
        Ok(Self {
            key,
            offered,
            on_upgrade,
        })
    }
}

impl WsUpgrade {
    /// The "101 Switching Protocols" answer, naming `protocol` if the client
    /// offered it. Once it has gone out, `serve` gets the connection.
    pub fn on_upgrade<F, Fut>(self, protocol: &'static str, serve: F) -> Response
    where
        F: FnOnce(Upgraded) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let on_upgrade = self.on_upgrade;
        tokio::spawn(async move {
            match on_upgrade.await {
                Ok(upgraded) => serve(TokioIo::new(upgraded)).await,
                Err(e) => tracing::debug!(error = %e, "a WebSocket upgrade failed"),
            }
        });
        let accept =
            tokio_tungstenite::tungstenite::handshake::derive_accept_key(self.key.as_bytes());
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let headers = response.headers_mut();
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        if let Ok(accept) = HeaderValue::from_str(&accept) {
            headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
        }
        if self.offered.iter().any(|p| p == protocol) {
            headers.insert(
                header::SEC_WEBSOCKET_PROTOCOL,
                HeaderValue::from_static(protocol),
            );
        }
        response
    }
}
