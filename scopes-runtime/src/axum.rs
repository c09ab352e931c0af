//! axum 0.8 integration (feature `axum`): resolve the tenant once per request, hand handlers a
//! [`Scope`] through an extractor.
//!
//! - The application supplies a [`ScopeResolver`]: from the Host header or subdomain, a header, a
//!   path segment, or the authenticated user a previous layer put into the request extensions.
//! - [`ScopeLayer`] runs it once per request. When no tenant can be determined the request is
//!   rejected with the resolver's [`ScopeRejection`] (a status and a plain message): there is no
//!   fallback to "every tenant". Otherwise the `Scope` is stored in the request extensions and
//!   the rest of the request runs inside a `tracing` span `scope` carrying the tenant.
//! - Handlers take `scope: Scope` as an argument ([`FromRequestParts`]), or a typed token
//!   `scope: Scope<Site>`: the request's scope must then hold every dimension of the type with
//!   values of their declared types, else the extractor answers 500 (the resolver and the
//!   handler disagree: a server bug, never a fallback to more rows). Without the layer the
//!   extractor answers 500 with a message naming the missing layer.
//!
//! ```
//! use axum::{http::request::Parts, routing::get, Router};
//! use scopes_runtime::axum::{host, ScopeLayer, ScopeRejection};
//! use scopes_runtime::Scope;
//!
//! fn tenant(parts: &Parts) -> Result<Scope, ScopeRejection> {
//!     match host(parts) {
//!         Some("site1.test") => Ok(Scope::one("site", 1)),
//!         Some("site2.test") => Ok(Scope::one("site", 2)),
//!         Some(_) => Err(ScopeRejection::not_found("unknown site")),
//!         None => Err(ScopeRejection::bad_request("missing Host header")),
//!     }
//! }
//!
//! async fn handler(scope: Scope) -> String {
//!     format!("{scope:?}")
//! }
//!
//! let app: Router = Router::new()
//!     .route("/", get(handler))
//!     .layer(ScopeLayer::new(tenant));
//! ```

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::{Scope, Typed};

/// Why no tenant scope could be determined for a request: a status and a plain-text message,
/// sent as the response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeRejection {
    status: StatusCode,
    message: Cow<'static, str>,
}

impl ScopeRejection {
    /// A rejection with any status.
    pub fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> ScopeRejection {
        ScopeRejection {
            status,
            message: message.into(),
        }
    }

    /// 400 Bad Request: the request does not say which tenant it is for.
    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> ScopeRejection {
        ScopeRejection::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404 Not Found: the request names a tenant that does not exist.
    pub fn not_found(message: impl Into<Cow<'static, str>>) -> ScopeRejection {
        ScopeRejection::new(StatusCode::NOT_FOUND, message)
    }

    /// 401 Unauthorized: the tenant comes from the user, and there is none.
    pub fn unauthorized(message: impl Into<Cow<'static, str>>) -> ScopeRejection {
        ScopeRejection::new(StatusCode::UNAUTHORIZED, message)
    }

    /// 403 Forbidden: the user may not act in the requested tenant.
    pub fn forbidden(message: impl Into<Cow<'static, str>>) -> ScopeRejection {
        ScopeRejection::new(StatusCode::FORBIDDEN, message)
    }

    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response body.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ScopeRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}

impl std::error::Error for ScopeRejection {}

impl IntoResponse for ScopeRejection {
    fn into_response(self) -> Response {
        (self.status, self.message.into_owned()).into_response()
    }
}

/// Determines the tenant [`Scope`] of a request, or why there is none.
///
/// Implemented by closures `Fn(&Parts) -> Result<Scope, ScopeRejection>`; implement it on your
/// own type when resolving needs I/O (a database lookup of the host name, a session store).
/// `parts` is mutable so that a resolver can run other extractors
/// (`SomeExtractor::from_request_parts(parts, &())`).
pub trait ScopeResolver: Send + Sync + 'static {
    /// The scope of this request. Never "every tenant" as a fallback: reject instead.
    fn resolve(
        &self,
        parts: &mut Parts,
    ) -> impl Future<Output = Result<Scope, ScopeRejection>> + Send;
}

impl<F> ScopeResolver for F
where
    F: Fn(&Parts) -> Result<Scope, ScopeRejection> + Send + Sync + 'static,
{
    fn resolve(
        &self,
        parts: &mut Parts,
    ) -> impl Future<Output = Result<Scope, ScopeRejection>> + Send {
        std::future::ready(self(parts))
    }
}

/// The host name of a request (as sent, not lower-cased): the URI's authority (HTTP/2) or the `Host`
/// header, without a port.
pub fn host(parts: &Parts) -> Option<&str> {
    let raw = match parts.uri.host() {
        Some(h) => h,
        None => parts.headers.get(header::HOST)?.to_str().ok()?,
    };
    let host = match raw.rsplit_once(':') {
        Some((h, port))
            if port.bytes().all(|b| b.is_ascii_digit())
                && (!h.contains(':') || h.ends_with(']')) =>
        {
            h
        }
        _ => raw,
    };
    (!host.is_empty()).then_some(host)
}

/// The first label of the host name when it is a subdomain of `base`
/// (`subdomain(parts, "example.com")` is `Some("acme")` for `acme.example.com`).
pub fn subdomain<'a>(parts: &'a Parts, base: &str) -> Option<&'a str> {
    let host = host(parts)?;
    let label = host.strip_suffix(base)?.strip_suffix('.')?;
    (!label.is_empty() && !label.contains('.')).then_some(label)
}

/// A header's value as text, if present and visible ASCII.
pub fn header_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name)?.to_str().ok()
}

/// A tower layer that resolves the request's [`Scope`] once, before the handler runs.
///
/// On success the scope goes into the request extensions (where the [`Scope`] extractor finds
/// it) and the rest of the request runs in a `tracing` span `scope` with the field `tenant`.
/// On failure the resolver's [`ScopeRejection`] is the response; the inner service never runs.
pub struct ScopeLayer<R> {
    resolver: Arc<R>,
}

impl<R> Clone for ScopeLayer<R> {
    fn clone(&self) -> Self {
        ScopeLayer {
            resolver: self.resolver.clone(),
        }
    }
}

impl<R: ScopeResolver> ScopeLayer<R> {
    /// A layer resolving with `resolver`.
    pub fn new(resolver: R) -> ScopeLayer<R> {
        ScopeLayer {
            resolver: Arc::new(resolver),
        }
    }
}

impl<S, R> tower_layer::Layer<S> for ScopeLayer<R> {
    type Service = ScopeService<S, R>;

    fn layer(&self, inner: S) -> Self::Service {
        ScopeService {
            inner,
            resolver: self.resolver.clone(),
        }
    }
}

/// The service [`ScopeLayer`] wraps around the routes.
pub struct ScopeService<S, R> {
    inner: S,
    resolver: Arc<R>,
}

impl<S: Clone, R> Clone for ScopeService<S, R> {
    fn clone(&self) -> Self {
        ScopeService {
            inner: self.inner.clone(),
            resolver: self.resolver.clone(),
        }
    }
}

impl<S, R, B> tower_service::Service<Request<B>> for ScopeService<S, R>
where
    S: tower_service::Service<Request<B>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    R: ScopeResolver,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The clone that was polled ready is the one that runs the request.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let resolver = self.resolver.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            match resolver.resolve(&mut parts).await {
                Ok(scope) => {
                    let span = tracing::info_span!("scope", tenant = ?scope);
                    parts.extensions.insert(scope);
                    inner
                        .call(Request::from_parts(parts, body))
                        .instrument(span)
                        .await
                }
                Err(rejection) => {
                    tracing::debug!(
                        status = %rejection.status,
                        message = %rejection.message,
                        method = %parts.method,
                        uri = %parts.uri,
                        "no tenant scope for the request"
                    );
                    Ok(rejection.into_response())
                }
            }
        })
    }
}

/// The message of the extractor's 500 when the layer is missing.
pub const MISSING_LAYER: &str = "internal error: no tenant scope in the request; the route is \
    not wrapped in scopes_runtime::axum::ScopeLayer (add `.layer(ScopeLayer::new(resolver))`)";

fn resolved(parts: &Parts) -> Result<Scope, ScopeRejection> {
    match parts.extensions.get::<Scope>() {
        Some(scope) => Ok(scope.clone()),
        None => {
            tracing::error!(uri = %parts.uri, "Scope extractor used without ScopeLayer");
            Err(ScopeRejection::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                MISSING_LAYER,
            ))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Scope {
    type Rejection = ScopeRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        resolved(parts)
    }
}

/// The typed token (`Scope<Site>`): the resolved scope, checked against the type
/// ([`Scope::from_dynamic`]).
impl<S: Send + Sync, D: Typed> FromRequestParts<S> for Scope<D> {
    type Rejection = ScopeRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let scope = resolved(parts)?;
        Scope::<D>::from_dynamic(scope).map_err(|e| {
            tracing::error!(uri = %parts.uri, error = %e, "the resolved scope does not fit the handler's typed token");
            ScopeRejection::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("internal error: the request's tenant scope does not fit this route: {e}"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(host_header: Option<&str>) -> Parts {
        let mut b = Request::builder().uri("/x");
        if let Some(h) = host_header {
            b = b.header(header::HOST, h);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn host_strips_the_port() {
        assert_eq!(host(&parts(Some("site1.test:8080"))), Some("site1.test"));
        assert_eq!(host(&parts(Some("site1.test"))), Some("site1.test"));
        assert_eq!(host(&parts(Some("[::1]:80"))), Some("[::1]"));
        assert_eq!(host(&parts(Some(""))), None);
        assert_eq!(host(&parts(None)), None);
    }

    #[test]
    fn subdomains() {
        let p = parts(Some("acme.example.com:443"));
        assert_eq!(subdomain(&p, "example.com"), Some("acme"));
        assert_eq!(subdomain(&p, "other.com"), None);
        assert_eq!(subdomain(&parts(Some("example.com")), "example.com"), None);
        assert_eq!(
            subdomain(&parts(Some("a.b.example.com")), "example.com"),
            None
        );
        assert_eq!(subdomain(&parts(Some("xexample.com")), "example.com"), None);
    }
}
