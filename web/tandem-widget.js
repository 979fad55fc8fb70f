// Starts rasa-webchat 1.0.1 against Tandem's socket.io channel (credentials.yml).
// The bot URL comes from ?server=..., default http://localhost:5005 (`make serve`).
(function () {
  "use strict";

  var DEFAULT_SERVER = "http://localhost:5005";
  var server = new URLSearchParams(window.location.search).get("server") || DEFAULT_SERVER;
  var shown = document.getElementById("server-url");
  if (shown) {
    shown.textContent = server;
  }

  // --- The person's first message waits for the greeting --------------------------------
  // rasa-webchat shows the person's message the moment it is sent, but each bot message
  // only after a typing delay (0.8-3 s each, one after the other), and the opening payload's
  // answer (introduction + greeting) also waits for the server. A first message typed in
  // that time was shown above the greeting, as if the bot had ignored it. So until the
  // answer to the opening payload has been shown, pressing Enter or Send keeps the message
  // in the input box (read-only, with a note) and sends it as soon as the greeting is on
  // screen. The server says when it has answered everything (connectors/socketio.py sends
  // `bot_answering`); without that signal (another server) nothing is held.
  var SESSION_KEY = "chat_session"; // rasa-webchat's localStorage entry (params.storage "local")
  var HELD_KEY = "tandem_held_message"; // sessionStorage: a held message survives a reload
  var HOLD_LIMIT_MS = 120000; // a server that never reports back must not keep it forever
  var HELD_NOTE = "Tandem is still saying hello; your message is sent right after.";

  function openingPayloadSent() {
    // rasa-webchat sets params.initialized right after sending initPayload.
    try {
      var session = JSON.parse(window.localStorage.getItem(SESSION_KEY) || "null");
      return Boolean(session && session.params && session.params.initialized);
    } catch (error) {
      return false;
    }
  }

  function readHeld() {
    try {
      return window.sessionStorage.getItem(HELD_KEY);
    } catch (error) {
      return null;
    }
  }

  function storeHeld(text) {
    try {
      if (text === null) {
        window.sessionStorage.removeItem(HELD_KEY);
      } else {
        window.sessionStorage.setItem(HELD_KEY, text);
      }
    } catch (error) {
      // Private mode without storage: the message is still held in memory.
    }
  }

  var greeting = {
    reported: false, // the server sends bot_answering (before each session_confirm)
    serverAnswering: false,
    // Answered in an earlier page view, or reported answered since it was sent.
    openingAnswered: openingPayloadSent(),
    held: readHeld(),
    heldSince: Date.now(),
    releasing: false
  };

  function onAnswering(status) {
    greeting.reported = true;
    greeting.serverAnswering = Boolean(status && status.answering);
    // The widget sends the opening payload only after session_confirm, so the report that
    // precedes session_confirm cannot be about it; "not answering" received once it has been
    // sent means the server has answered it (or never got it, so no greeting will come).
    if (!greeting.serverAnswering && openingPayloadSent()) {
      greeting.openingAnswered = true;
    }
    improve();
  }

  function greetingPending() {
    if (!greeting.reported || document.querySelector("#rw-messages .rw-client")) {
      return false; // an old server, or the person has already said something
    }
    return !greeting.openingAnswered || greeting.serverAnswering ||
      Boolean(document.querySelector("#rw-messages .rw-typing-indication"));
  }

  function messageBox() {
    return document.querySelector("form.rw-sender .rw-new-message");
  }

  function holdSubmit(event) {
    var form = event.target;
    if (greeting.releasing || !form || !form.classList || !form.classList.contains("rw-sender")) {
      return;
    }
    var box = messageBox();
    var text = box ? box.value : "";
    if (greeting.held === null && (!text || !greetingPending())) {
      return; // rasa-webchat sends it (and ignores an empty box)
    }
    // Before rasa-webchat's own submit handler on the form: it neither shows nor sends it.
    event.preventDefault();
    event.stopImmediatePropagation();
    if (greeting.held === null) {
      greeting.held = text;
      greeting.heldSince = Date.now();
      storeHeld(text);
      window.setTimeout(improve, HOLD_LIMIT_MS + 100);
    }
    improve();
  }

  document.addEventListener("submit", holdSubmit, true);
  if (greeting.held !== null) {
    window.setTimeout(improve, HOLD_LIMIT_MS + 100); // held before a reload
  }

  function showHeld(box) {
    var form = box.form;
    if (box.value !== greeting.held) {
      box.value = greeting.held; // after a reload, or the widget re-rendered its input
    }
    box.readOnly = true;
    box.setAttribute("aria-busy", "true");
    var note = form.querySelector(".tandem-held-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "tandem-held-note";
      note.setAttribute("role", "status");
      note.id = "tandem-held-note";
      note.textContent = HELD_NOTE;
      form.appendChild(note);
    }
    box.setAttribute("aria-describedby", note.id);
  }

  function clearHeld(box) {
    if (box && box.getAttribute("aria-busy") === "true") {
      box.readOnly = false;
      box.removeAttribute("aria-busy");
      box.removeAttribute("aria-describedby");
    }
    var note = document.querySelector(".tandem-held-note");
    if (note) {
      note.parentNode.removeChild(note);
    }
  }

  function releaseOrShowHeld() {
    var box = messageBox();
    if (greeting.held === null) {
      clearHeld(box);
      return;
    }
    if (!box) {
      return; // chat closed or not connected: kept until the input is back
    }
    var overdue = Date.now() - greeting.heldSince > HOLD_LIMIT_MS;
    if (greetingPending() && !overdue) {
      showHeld(box);
      return;
    }
    var text = greeting.held;
    greeting.held = null;
    storeHeld(null);
    clearHeld(box);
    box.value = text;
    greeting.releasing = true;
    try {
      // What rasa-webchat's own Enter key handler does: it shows and sends the box's text.
      box.form.dispatchEvent(new Event("submit", { cancelable: true }));
    } finally {
      greeting.releasing = false;
    }
  }

  window.WebChat.default({
    selector: "#webchat",
    socketUrl: server,
    socketPath: "/socket.io/",
    title: "Tandem",
    subtitle: "Educational, not therapy",
    // The widget always sends initPayload when the chat first opens; without one it sends an
    // empty message, which Tandem answers with "I didn't catch anything". /greet opens the
    // session and gets the introduction (action_session_start), which is the greeting.
    initPayload: "/greet",
    inputTextFieldHint: "Describe what happens in your relationship...",
    // "local": the conversation and its session id survive a page reload (and browser restart).
    params: { storage: "local" },
    onSocketEvent: { bot_answering: onAnswering }
  }, null);

  // rasa-webchat renders quick replies as <div>s and icon-only buttons without names.
  // Give them roles, names and keyboard access so screen-reader and keyboard users can chat.
  function label(element, text) {
    if (element && element.getAttribute("aria-label") !== text) {
      element.setAttribute("aria-label", text);
    }
  }

  function pressOnKeys(event) {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      event.currentTarget.click();
    }
  }

  function improve() {
    document.querySelectorAll(".rw-launcher").forEach(function (launcher) {
      label(launcher, launcher.querySelector(".rw-close-launcher") ? "Close chat" : "Open chat with Tandem");
    });
    label(document.querySelector(".rw-close-button"), "Close chat");
    label(document.querySelector(".rw-send"), "Send");
    label(document.querySelector(".rw-new-message"), "Message to Tandem");
    var messages = document.getElementById("rw-messages");
    if (messages && messages.getAttribute("role") !== "log") {
      messages.setAttribute("role", "log");
      messages.setAttribute("aria-live", "polite");
      messages.setAttribute("aria-label", "Conversation with Tandem");
    }
    document.querySelectorAll(".rw-reply:not([role])").forEach(function (reply) {
      reply.setAttribute("role", "button");
      reply.setAttribute("tabindex", "0");
      reply.addEventListener("keydown", pressOnKeys);
    });
    releaseOrShowHeld();
  }

  new MutationObserver(improve).observe(document.body, { childList: true, subtree: true });
  improve();
})();
