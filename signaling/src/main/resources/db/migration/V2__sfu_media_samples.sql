-- The SFU's own measurements of a live stream (decision 58): one row per stream per sampler tick, role
-- 'publisher', source 'sfu'. The client rows (stream:quality-update) keep source 'client'. Separate ALTER
-- statements: PostgreSQL and H2 spell a multi-column ADD differently.
ALTER TABLE media_samples ADD COLUMN source VARCHAR(8) DEFAULT 'client' NOT NULL;
-- publisher side: packets/s received, worst source's interarrival jitter in ms
ALTER TABLE media_samples ADD COLUMN packet_rate DOUBLE PRECISION;
ALTER TABLE media_samples ADD COLUMN jitter DOUBLE PRECISION;
-- viewer side: viewers with media flowing; their mean outgoing bit/s, mean and worst reported loss (percent),
-- mean RTT (ms); how many receive each simulcast layer
ALTER TABLE media_samples ADD COLUMN viewers INT;
ALTER TABLE media_samples ADD COLUMN viewer_bitrate BIGINT;
ALTER TABLE media_samples ADD COLUMN viewer_loss DOUBLE PRECISION;
ALTER TABLE media_samples ADD COLUMN viewer_loss_max DOUBLE PRECISION;
ALTER TABLE media_samples ADD COLUMN viewer_rtt DOUBLE PRECISION;
ALTER TABLE media_samples ADD COLUMN viewers_low INT;
ALTER TABLE media_samples ADD COLUMN viewers_medium INT;
ALTER TABLE media_samples ADD COLUMN viewers_high INT;
