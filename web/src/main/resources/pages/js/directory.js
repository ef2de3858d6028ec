// The directory: live streams (most viewers first) with thumbnails and counts, then scheduled ones.
import { api, el, formatCount } from "./api.js";

const live = document.getElementById("live");
const scheduled = document.getElementById("scheduled");
const category = document.getElementById("category");
const knownCategories = new Set();

function card(s, isLive) {
  const thumb = el("div", { class: "thumb" },
    el("img", { src: `/thumbnails/${encodeURIComponent(s.id)}.jpg`, alt: "", loading: "lazy", onerror: (e) => e.target.remove() }),
    isLive ? el("span", { class: "badge live" }, "LIVE") : null,
    isLive ? el("span", { class: "badge viewers", "aria-label": `${s.viewerCount} watching` }, formatCount(s.viewerCount) + " watching") : null);
  const when = s.scheduledAt ? new Date(s.scheduledAt).toLocaleString() : "";
  return el("a", { class: "card", href: `/watch/${encodeURIComponent(s.id)}`, "data-stream-id": s.id },
    thumb,
    el("div", { class: "body" },
      el("div", { class: "title" }, s.title),
      el("div", { class: "meta" }, [s.category, isLive ? null : when].filter(Boolean).join(" · ") || " ")));
}

async function load() {
  const q = category.value ? `&category=${encodeURIComponent(category.value)}` : "";
  try {
    const [l, s] = await Promise.all([api(`/streams/live?limit=48${q}`), api("/streams/scheduled?limit=24")]);
    live.replaceChildren(...(l.items.length ? l.items.map((x) => card(x, true)) : [el("p", { class: "empty" }, "Nobody is live right now.")]));
    scheduled.replaceChildren(...(s.items.length ? s.items.map((x) => card(x, false)) : [el("p", { class: "empty" }, "Nothing scheduled.")]));
    for (const x of [...l.items, ...s.items]) {
      if (x.category && !knownCategories.has(x.category)) {
        knownCategories.add(x.category);
        category.append(el("option", { value: x.category }, x.category));
      }
    }
    document.getElementById("status").textContent = `${l.total} live`;
  } catch (e) {
    live.replaceChildren(el("p", { class: "notice error", role: "alert" }, "Could not load streams: " + e.message));
  }
}

category.addEventListener("change", load);
load();
setInterval(load, 15000); // counts and thumbnails move; the page follows
