-- The node that carries a live stream (its data folder's node id): after a crash, a restarted node ends only the
-- streams it carried whose publisher does not come back, never another node's (docs/decisions.md 103).
ALTER TABLE streams ADD COLUMN live_node VARCHAR(64);
