-- HLS viewer sessions (issue 14): no connection closes them, so each records when its player was last seen (a
-- playlist request on any node) and a sweeper on every node closes those silent for longer than the timeout.
-- NULL for sessions that a connection closes (WebRTC, Socket.IO).
ALTER TABLE viewer_sessions ADD COLUMN last_seen_at BIGINT;
CREATE INDEX viewer_sessions_silent_idx ON viewer_sessions (transport, left_at, last_seen_at);
