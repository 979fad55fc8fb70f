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

  window.WebChat.default({
    selector: "#webchat",
    socketUrl: server,
    socketPath: "/socket.io/",
    title: "Tandem",
    subtitle: "Educational, not therapy",
    // The widget always sends initPayload when the chat first opens; without one it sends an
    // empty message, which Tandem answers with "I didn't catch anything". /greet gives the
    // introduction (action_session_start) followed by a short greeting.
    initPayload: "/greet",
    inputTextFieldHint: "Describe what happens in your relationship...",
    // "local": the conversation and its session id survive a page reload (and browser restart).
    params: { storage: "local" }
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
  }

  new MutationObserver(improve).observe(document.body, { childList: true, subtree: true });
  improve();
})();
