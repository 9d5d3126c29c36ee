//! Rate limits every node shares: one bucket per key in Redis (GCRA, the same shape as the
//! in-process buckets: `n` per minute with bursts of `n`), timed by Redis's clock.

use redis::Script;
use redis::aio::ConnectionManager;

use super::Health;

pub struct SharedRate {
    redis: ConnectionManager,
    health: Health,
    script: Script,
    /// `<cluster name>:limit:`
    prefix: String,
}

impl SharedRate {
    pub fn new(cluster: &str, redis: ConnectionManager, health: Health) -> Self {
        // KEYS[1]: the bucket. ARGV: ms per token, burst. Returns 0 when allowed, else the
        // milliseconds until the next token.
        let script = Script::new(
            "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)
            local interval = tonumber(ARGV[1])
            local tolerance = interval * (tonumber(ARGV[2]) - 1)
            local tat = tonumber(redis.call('GET', KEYS[1]) or now)
            if tat < now then tat = now end
            local allow_at = tat - tolerance
            if now < allow_at then return allow_at - now end
            local next_tat = tat + interval
            redis.call('SET', KEYS[1], next_tat, 'PX', math.max(1, next_tat - now))
            return 0",
        );
        SharedRate {
            redis,
            health,
            script,
            prefix: format!("{cluster}:limit:"),
        }
    }

    /// Takes a token from `key`'s bucket of `per_minute`; `Some(seconds)` to wait when empty.
    pub async fn take(&self, key: &str, per_minute: u32) -> redis::RedisResult<Option<u64>> {
        let per_minute = per_minute.max(1);
        let mut take = self.script.prepare_invoke();
        take.key(format!("{}{key}", self.prefix))
            .arg(60_000.0 / f64::from(per_minute))
            .arg(per_minute);
        let wait_ms: u64 = self
            .health
            .call(take.invoke_async(&mut self.redis.clone()))
            .await?;
        Ok((wait_ms > 0).then(|| wait_ms.div_ceil(1000).max(1)))
    }
}
