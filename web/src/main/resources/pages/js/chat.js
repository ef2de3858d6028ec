// The chat panel shared by the studio and the watch page: it draws what the SDK's Chat hears (history over
// REST, live over the socket), pin/delete/ban for the owner and moderators, and the reactions bar.
import { api, auth, el } from "./api.js";
import { Chat, REACTIONS } from "/sdk/chat.js";

export { REACTIONS };

export function mountChat(root, { streamId, socket, canModerate, onReaction }) {
  const chat = new Chat({ socket, api, streamId });
  const list = root.querySelector("ol");
  const form = root.querySelector("form");
  const input = form.querySelector("input");
  const notice = root.querySelector(".notice");
  const items = new Map();

  const say = (text) => { notice.textContent = text; notice.hidden = !text; };

  function render(m) {
    const id = m.id;
    const who = m.displayName ?? "someone";
    const text = m.message ?? m.content;
    const li = el("li", { "data-id": id, "data-user": m.userId ?? "", class: m.pinned ? "pinned" : "" });
    if (canModerate()) {
      const tools = el("span", { class: "tools" },
        el("button", { type: "button", "aria-label": `Pin message from ${who}`, onclick: () => moderate("chat:pin", id) }, "Pin"),
        el("button", { type: "button", "aria-label": `Delete message from ${who}`, onclick: () => moderate("chat:delete", id) }, "Delete"));
      if (m.userId && m.userId !== auth.user?.id) {
        tools.append(el("button", { type: "button", class: "ban", "aria-label": `Ban ${who} from this stream`,
          onclick: () => ban(m.userId, who) }, "Ban"));
      }
      li.append(tools);
    }
    li.append(el("span", { class: "who" }, who), el("span", { class: "text" }, text));
    return li;
  }

  function add(m) {
    if (items.has(m.id)) return;
    const li = render(m);
    items.set(m.id, li);
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(li);
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  async function ban(userId, who) {
    try {
      await chat.ban(userId);
      say(`${who} is banned from this stream.`);
    } catch (e) { say(e.message); }
  }

  async function moderate(event, id) {
    try { await (event === "chat:pin" ? chat.pin(id) : chat.remove(id)); } catch (e) { say(e.message); }
  }

  chat.addEventListener("message", (e) => add(e.detail));
  chat.addEventListener("deleted", (e) => { items.get(e.detail.id)?.remove(); items.delete(e.detail.id); });
  chat.addEventListener("pinned", (e) => {
    for (const li of items.values()) li.classList.remove("pinned");
    items.get(e.detail.id)?.classList.add("pinned");
  });
  chat.addEventListener("reaction", (e) => onReaction?.(e.detail));

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const message = input.value.trim();
    if (!message) return;
    if (!auth.token) { say("Sign in to chat."); return; }
    try {
      const r = await chat.send(message);
      input.value = "";
      say("");
      add(r);
    } catch (err) {
      say(err.code ? err.message : "Not sent: " + err.message);
    }
  });

  const bar = root.querySelector(".reaction-bar");
  if (bar) {
    for (const [type, emoji] of Object.entries(REACTIONS)) {
      bar.append(el("button", { type: "button", "aria-label": `React with ${type}`, "data-reaction": type, onclick: async () => {
        if (!auth.token) { say("Sign in to react."); return; }
        try { await chat.react(type); } catch (err) { say(err.message); }
      } }, emoji));
    }
  }

  return {
    chat,
    close() { chat.close(); },
    async loadHistory() {
      (await chat.history(50)).forEach(add);
      list.scrollTop = list.scrollHeight;
    },
    rerender() { for (const [id, li] of items) li.replaceWith(items.set(id, render({ id, userId: li.dataset.user || undefined, displayName: li.querySelector(".who").textContent, message: li.querySelector(".text").textContent, pinned: li.classList.contains("pinned") })).get(id)); },
    say,
  };
}

export function floatReaction(layer, r) {
  const e = el("span", { class: "floating", "aria-hidden": "true" }, REACTIONS[r.type] ?? "✨");
  e.style.left = (r.x ?? 50) + "%";
  e.style.top = (r.y ?? 80) + "%";
  layer.append(e);
  setTimeout(() => e.remove(), 2600);
}
