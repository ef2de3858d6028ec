// Plays a finished recording; the file is served with HTTP range requests so seeking works.
import { api, formatDuration } from "./api.js";

const id = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());
const $ = (x) => document.getElementById(x);
window.vod = { id };
try {
  const r = await api(`/recordings/${encodeURIComponent(id)}`);
  const stream = await api(`/streams/${encodeURIComponent(r.streamId)}`).catch(() => null);
  $("title").textContent = stream ? stream.title : "Recording";
  if (r.status !== "ready") {
    $("notice").hidden = false;
    $("notice").textContent = r.status === "failed" ? "This recording failed." : "This recording is still being prepared.";
  } else {
    const v = $("video");
    // same-origin paths: the API's absolute URLs carry the configured public host, which may not be this page's
    // the query keeps the playback token of a stream that is not public
    const local = (u) => { const x = new URL(u, location.href); return x.pathname + x.search; };
    v.src = local(r.urls.playback);
    if (r.urls.thumbnail) v.poster = local(r.urls.thumbnail);
    $("meta").textContent = [r.durationSeconds != null ? formatDuration(r.durationSeconds * 1000) : null,
      r.startedAt ? new Date(r.startedAt).toLocaleString() : null].filter(Boolean).join(" · ");
  }
  window.vod.status = r.status;
} catch (e) {
  $("notice").hidden = false;
  $("notice").textContent = e.code === "RECORDING_NOT_FOUND" ? "There is no such recording." : e.message;
  window.vod.error = e.code;
}
