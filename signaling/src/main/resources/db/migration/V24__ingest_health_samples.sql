-- The RTMP ingest's own measurements of what an encoder sends (decision 242): one row per RTMP-published stream per
-- sampler tick, role 'publisher', source 'rtmp', with bitrate (bit/s of FLV tag bodies), fps and width/height (from
-- the encoder's onMetaData) in the existing columns and the encoder's keyframe interval (ms) in this one.
ALTER TABLE media_samples ADD COLUMN keyframe_interval BIGINT;
