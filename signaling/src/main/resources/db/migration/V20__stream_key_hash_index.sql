-- RTMP ingest finds a stream by its key alone (the RTMP stream name): look the SHA-256 digest up by index.
CREATE INDEX streams_key_hash_idx ON streams (stream_key_hash);
