//! Prometheus metrics, served at `GET /metrics` in the text exposition format.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// Label of refused messages and closed sockets.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Reason {
    /// A close code's machine reason, or `permission denied`.
    pub reason: String,
}

/// Every metric the server exports.
pub struct Metrics {
    registry: Registry,
    /// Open WebSocket connections.
    pub open_sockets: Gauge,
    /// Documents loaded in memory.
    pub loaded_rooms: Gauge,
    /// Updates accepted and stored.
    pub updates_in: Counter,
    /// Bytes of accepted updates.
    pub update_bytes_in: Counter,
    /// Frames queued to sockets.
    pub frames_out: Counter,
    /// Bytes of frames queued to sockets.
    pub bytes_out: Counter,
    /// Refused messages and closed sockets, by reason.
    pub refused: Family<Reason, Counter>,
    /// Time one group-commit flush took.
    pub flush_seconds: Histogram,
    /// Failed store writes and flushes.
    pub store_errors: Counter,
    /// Time to load a document from the store into a room (cold start of a board).
    pub room_load_seconds: Histogram,
    /// Bytes of all boards' kept versions (read from the store at each scrape).
    pub history_bytes: Gauge,
    /// Cluster mode: documents whose lease this node holds.
    pub owned_documents: Gauge,
    /// Cluster mode: sockets of other nodes served by rooms here.
    pub relayed_in: Gauge,
    /// Cluster mode: relays dropped because a node went silent or the bus broke.
    pub relays_dropped: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("tafel");
        let m = Metrics {
            open_sockets: Gauge::default(),
            loaded_rooms: Gauge::default(),
            updates_in: Counter::default(),
            update_bytes_in: Counter::default(),
            frames_out: Counter::default(),
            bytes_out: Counter::default(),
            refused: Family::default(),
            flush_seconds: Histogram::new(exponential_buckets(0.000_05, 2.0, 16)),
            store_errors: Counter::default(),
            room_load_seconds: Histogram::new(exponential_buckets(0.000_1, 2.0, 16)),
            history_bytes: Gauge::default(),
            owned_documents: Gauge::default(),
            relayed_in: Gauge::default(),
            relays_dropped: Counter::default(),
            registry: Registry::default(),
        };
        registry.register(
            "owned_documents",
            "Cluster mode: documents whose lease this node holds",
            m.owned_documents.clone(),
        );
        registry.register(
            "relayed_in_sockets",
            "Cluster mode: sockets of other nodes served by rooms here",
            m.relayed_in.clone(),
        );
        registry.register(
            "relays_dropped",
            "Cluster mode: relays dropped because a node went silent or the bus broke",
            m.relays_dropped.clone(),
        );
        registry.register(
            "open_sockets",
            "Open WebSocket connections",
            m.open_sockets.clone(),
        );
        registry.register(
            "loaded_rooms",
            "Documents loaded in memory",
            m.loaded_rooms.clone(),
        );
        registry.register(
            "updates_in",
            "Document updates accepted and stored",
            m.updates_in.clone(),
        );
        registry.register(
            "update_bytes_in",
            "Bytes of accepted document updates",
            m.update_bytes_in.clone(),
        );
        registry.register(
            "frames_out",
            "Frames queued to sockets",
            m.frames_out.clone(),
        );
        registry.register("bytes_out", "Bytes queued to sockets", m.bytes_out.clone());
        registry.register(
            "refused",
            "Refused messages and closed sockets by reason",
            m.refused.clone(),
        );
        registry.register(
            "store_flush_seconds",
            "Duration of one group-commit flush",
            m.flush_seconds.clone(),
        );
        registry.register(
            "store_errors",
            "Failed store writes and flushes",
            m.store_errors.clone(),
        );
        registry.register(
            "room_load_seconds",
            "Time to load a document from the store into memory",
            m.room_load_seconds.clone(),
        );
        registry.register(
            "history_bytes",
            "Bytes of all boards' kept versions",
            m.history_bytes.clone(),
        );
        Metrics { registry, ..m }
    }
}

impl Metrics {
    /// Counts one refusal.
    pub fn refuse(&self, reason: &str) {
        self.refused
            .get_or_create(&Reason {
                reason: reason.to_owned(),
            })
            .inc();
    }

    /// The text exposition of every metric.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
