/* Kiebitz comment widget. Vanilla JS, no framework, no third-party request,
   no cookie or storage before a comment is posted. Served at /js/embed.js. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script ? new URL(script.src, location.href).origin : location.origin;
  /* One instance may serve many sites: data-kiebitz-site on the script tag (or any element) names this page's. */
  var siteNode = script && script.hasAttribute("data-kiebitz-site") ? script : document.querySelector("[data-kiebitz-site]");
  var site = siteNode ? siteNode.getAttribute("data-kiebitz-site") : "";
  var T = {
    de: {
      heading: "Schreibe einen Kommentar", name: "Name", email: "E-Mail", website: "Website", comment: "Kommentar",
      emailNote: "Deine E-Mail-Adresse wird nicht veröffentlicht.", required: "Erforderliche Felder sind mit * markiert.",
      remember: "Meinen Namen, meine E-Mail-Adresse und meine Website in diesem Browser speichern, bis ich wieder kommentiere.",
      submit: "Kommentar abschicken", preview: "Vorschau", editPreview: "Bearbeiten", reply: "Antworten", cancel: "Abbrechen",
      edit: "Bearbeiten", del: "Löschen", save: "Speichern", confirmDelete: "Diesen Kommentar wirklich löschen?",
      privacy: "Diese Website verwendet Kiebitz, um Spam zu reduzieren. Erfahre mehr darüber, wie deine Kommentardaten verarbeitet werden.",
      privacyLink: "Erfahre mehr darüber, wie deine Kommentardaten verarbeitet werden.",
      held: "Danke! Dein Kommentar wird nach Prüfung freigeschaltet.", pending: "Wartet auf Freischaltung",
      count1: "1 Kommentar", countN: "{n} Kommentare", count0: "Keine Kommentare", none: "Noch keine Kommentare. Schreib den ersten!",
      sortOldest: "Älteste", sortNewest: "Neueste", sortTop: "Beste", sortLabel: "Sortieren", more: "Weitere Kommentare laden",
      staff: "Redaktion", pinned: "Angeheftet", deleted: "Dieser Kommentar wurde gelöscht.", closed: "Die Kommentare zu diesem Artikel sind geschlossen.",
      replyTo: "Antwort an {name}", edited: "bearbeitet", anon: "Anonym", upvote: "Gefällt mir", downvote: "Gefällt mir nicht",
      failed: "Das hat nicht geklappt: {msg}", voted: "Du hast schon abgestimmt.",
      origin: "Diese Seite darf hier nicht kommentieren (die Website erlaubt es nur von ihren eigenen Seiten).",
      "author:required": "Bitte gib deinen Namen an.", "email:required": "Bitte gib deine E-Mail-Adresse an.",
      "email:valid": "Das ist keine gültige E-Mail-Adresse.", "website:http": "Bitte gib eine Adresse wie https://example.org an.",
      "text:short": "Der Kommentar ist zu kurz (mindestens 3 Zeichen).", "text:long": "Der Kommentar ist zu lang (höchstens 10.000 Zeichen).",
      "text:spam": "Dein Kommentar wurde als Spam abgelehnt.", "text:again": "Diesen Kommentar hast du hier schon geschrieben.",
      "wait": "Einen Moment …",
      notify: "Benachrichtige mich per E-Mail über Antworten auf meinen Kommentar (du bekommst erst eine Mail zum Bestätigen).",
      report: "Melden", reportTitle: "Kommentar melden", reportWhy: "Warum meldest du diesen Kommentar?",
      reason_spam: "Spam oder Werbung", reason_insult: "Beleidigung oder Belästigung", reason_illegal: "Rechtswidriger Inhalt",
      reason_other: "Anderes", reportExplain: "Erläuterung",
      category: "Art des Inhalts", cat_hate_speech: "Volksverhetzung, Hassrede", cat_defamation: "Verleumdung, üble Nachrede",
      cat_threat: "Bedrohung", cat_child_sexual_abuse: "Darstellung sexuellen Kindesmissbrauchs", cat_terrorism: "Terrorismus",
      cat_privacy: "Verletzung der Privatsphäre", cat_copyright: "Urheberrechtsverletzung", cat_other_illegal: "anderes",
      reportEmail: "E-Mail (für die Eingangsbestätigung und die Entscheidung)", location: "Fundstelle",
      goodFaith: "Ich bin in gutem Glauben davon überzeugt, dass die Angaben in dieser Meldung richtig und vollständig sind.",
      reportSend: "Meldung absenden", reported: "Danke, deine Meldung ist eingegangen.",
      reportedHeld: "Danke, deine Meldung ist eingegangen. Der Kommentar ist ausgeblendet, bis die Moderation entscheidet.",
      "good_faith:required": "Bitte bestätige, dass du die Meldung in gutem Glauben machst.",
      "explanation:required": "Bitte erkläre kurz (mindestens 10 Zeichen), warum.", "name:required": "Bitte gib deinen Namen an.",
      alreadyReported: "Du hast diesen Kommentar schon gemeldet.",
      newComments1: "1 neuer Kommentar", newCommentsN: "{n} neue Kommentare"
    },
    en: {
      heading: "Leave a comment", name: "Name", email: "Email", website: "Website", comment: "Comment",
      emailNote: "Your email address will not be published.", required: "Required fields are marked *",
      remember: "Save my name, email, and website in this browser for the next time I comment.",
      submit: "Post comment", preview: "Preview", editPreview: "Edit", reply: "Reply", cancel: "Cancel",
      edit: "Edit", del: "Delete", save: "Save", confirmDelete: "Really delete this comment?",
      privacy: "This site uses Kiebitz to reduce spam. Learn how your comment data is processed.",
      privacyLink: "Learn how your comment data is processed.",
      held: "Thank you! Your comment will appear once it has been approved.", pending: "Awaiting moderation",
      count1: "1 comment", countN: "{n} comments", count0: "No comments", none: "No comments yet. Be the first!",
      sortOldest: "Oldest", sortNewest: "Newest", sortTop: "Best", sortLabel: "Sort", more: "Load more comments",
      staff: "Staff", pinned: "Pinned", deleted: "This comment was deleted.", closed: "Comments on this article are closed.",
      replyTo: "Reply to {name}", edited: "edited", anon: "Anonymous", upvote: "Like", downvote: "Dislike",
      failed: "That did not work: {msg}", voted: "You have already voted.",
      origin: "This page may not comment here (the site allows it only from its own pages).",
      "author:required": "Please enter your name.", "email:required": "Please enter your email address.",
      "email:valid": "That is not a valid email address.", "website:http": "Please enter an address like https://example.org.",
      "text:short": "The comment is too short (at least 3 characters).", "text:long": "The comment is too long (at most 10,000 characters).",
      "text:spam": "Your comment was rejected as spam.", "text:again": "You have already posted this comment here.",
      "wait": "One moment …",
      notify: "Notify me of replies to my comment by email (you will first get a mail to confirm).",
      report: "Report", reportTitle: "Report comment", reportWhy: "Why are you reporting this comment?",
      reason_spam: "Spam or advertising", reason_insult: "Insult or harassment", reason_illegal: "Illegal content",
      reason_other: "Other", reportExplain: "Explanation",
      category: "Kind of content", cat_hate_speech: "Incitement to hatred, hate speech", cat_defamation: "Defamation",
      cat_threat: "Threat", cat_child_sexual_abuse: "Child sexual abuse material", cat_terrorism: "Terrorism",
      cat_privacy: "Breach of privacy", cat_copyright: "Copyright infringement", cat_other_illegal: "other",
      reportEmail: "Email (for the receipt and the decision)", location: "Location",
      goodFaith: "I am convinced in good faith that the information in this notice is accurate and complete.",
      reportSend: "Send report", reported: "Thank you, your report has arrived.",
      reportedHeld: "Thank you, your report has arrived. The comment is hidden until the moderators decide.",
      "good_faith:required": "Please confirm that you send this notice in good faith.",
      "explanation:required": "Please explain briefly (at least 10 characters) why.", "name:required": "Please enter your name.",
      alreadyReported: "You have already reported this comment.",
      newComments1: "1 new comment", newCommentsN: "{n} new comments"
    }
  };
  var PAGE = 20, STORE = "kiebitz-commenter";

  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) {
      var value = attrs[key];
      if (value == null || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    (kids || []).forEach(function (kid) { if (kid) node.appendChild(typeof kid === "string" ? document.createTextNode(kid) : kid); });
    return node;
  }

  function api(method, path, body, headers) {
    if (site) path += (path.indexOf("?") < 0 ? "?" : "&") + "site=" + encodeURIComponent(site);
    return fetch(base + path, {
      method: method, credentials: "include", headers: Object.assign(body ? { "Content-Type": "application/json" } : {}, headers || {}),
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, ok: response.ok, data: data };
      });
    });
  }

  function language(node) {
    var lang = (node.getAttribute("data-kiebitz-lang") || document.documentElement.lang || "de").slice(0, 2).toLowerCase();
    return T[lang] ? lang : "en";
  }

  function fill(text, values) { return text.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; }); }

  function countText(t, n) { return n === 0 ? t.count0 : n === 1 ? t.count1 : fill(t.countN, { n: n.toLocaleString() }); }

  function relative(iso, lang) {
    var seconds = (Date.parse(iso) - Date.now()) / 1000, units = [["year", 31536000], ["month", 2592000], ["week", 604800],
      ["day", 86400], ["hour", 3600], ["minute", 60]];
    var format = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(seconds) >= units[i][1]) return format.format(Math.round(seconds / units[i][1]), units[i][0]);
    }
    return format.format(Math.min(0, Math.round(seconds)), "second");
  }

  /* A 5x5 mirrored identicon drawn from the server's keyed seed: nothing is fetched. */
  function identicon(seed) {
    var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 5 5"); svg.setAttribute("class", "kb-avatar"); svg.setAttribute("aria-hidden", "true");
    var bits = parseInt(seed.slice(0, 8), 16) || 1, hue = parseInt(seed.slice(8, 11), 16) % 360;
    for (var i = 0; i < 15; i++) {
      if (!(bits >> i & 1)) continue;
      var x = Math.floor(i / 5), y = i % 5;
      [x, 4 - x].forEach(function (cx) {
        var rect = document.createElementNS(ns, "rect");
        rect.setAttribute("x", cx); rect.setAttribute("y", y); rect.setAttribute("width", 1); rect.setAttribute("height", 1);
        rect.setAttribute("fill", "hsl(" + hue + ",55%,48%)");
        svg.appendChild(rect);
      });
    }
    return svg;
  }

  function Thread(root) {
    this.root = root;
    this.lang = language(root);
    this.t = T[this.lang];
    this.uri = root.getAttribute("data-kiebitz-uri") || location.pathname;
    this.title = root.getAttribute("data-title") || document.title;
    this.sort = root.getAttribute("data-kiebitz-sort") || "oldest";
    this.tokens = {};
    this.shown = 0;
    root.classList.add("kiebitz");
    root.setAttribute("data-kiebitz-theme", root.getAttribute("data-kiebitz-theme") || "auto");
  }

  Thread.prototype.load = function (append) {
    var self = this, query = "/api/comments?uri=" + encodeURIComponent(this.uri) + "&sort=" + this.sort +
      "&limit=" + PAGE + "&offset=" + (append ? this.shown : 0);
    return api("GET", query).then(function (result) {
      if (!result.ok) return;
      self.data = result.data;
      self.formToken = result.data.form_token;
      if (!append) self.render();
      self.addComments(result.data.comments);
      self.listen();
    });
  };

  Thread.prototype.render = function () {
    var t = this.t, self = this;
    /* Also replaces, in one step, a fragment the page included from /html/thread: it stays until the data is here. */
    this.root.textContent = "";
    this.countNode = el("h2", { "class": "kb-count", text: countText(t, this.data.total) });
    var sort = el("div", { "class": "kb-sort", role: "group", "aria-label": t.sortLabel },
      ["oldest", "newest", "top"].map(function (key) {
        var label = t["sort" + key[0].toUpperCase() + key.slice(1)];
        return el("button", { type: "button", "aria-pressed": String(self.sort === key), text: label,
          onclick: function () { self.sort = key; self.load(false); } });
      }));
    this.list = el("ol", { "class": "kb-comments" });
    this.more = el("button", { type: "button", "class": "kb-more", text: t.more, hidden: true,
      onclick: function () { self.load(true); } });
    this.root.appendChild(el("div", { "class": "kb-head" }, [this.countNode, this.data.total > 1 ? sort : null]));
    /* New comments from the live stream wait behind this button: the text being read does not move. */
    this.waiting = [];
    this.streamed = {};
    this.newButton = el("button", { type: "button", "class": "kb-new-comments", hidden: true, onclick: function () { self.showWaiting(); } });
    this.root.appendChild(el("p", { "class": "kb-live", role: "status" }, [this.newButton]));
    this.root.appendChild(this.list);
    this.root.appendChild(this.more);
    if (!this.data.comments.length) this.list.appendChild(el("li", { "class": "kb-none", text: t.none }));
    this.root.appendChild(this.data.closed ? el("p", { "class": "kb-closed", text: t.closed }) : this.form(null));
    this.shown = 0;
  };

  /* Live thread: the server pushes comments published after the page loaded (Server-Sent Events, GET /api/live). */
  Thread.prototype.listen = function () {
    if (this.events || !("EventSource" in window)) return;
    var self = this;
    this.events = new EventSource(base + "/api/live?uri=" + encodeURIComponent(this.uri) +
      (site ? "&site=" + encodeURIComponent(site) : ""));
    this.events.addEventListener("comments", function (event) { self.arrived(JSON.parse(event.data)); });
  };

  Thread.prototype.arrived = function (news) {
    var self = this, t = this.t;
    news.comments.forEach(function (c) {
      self.streamed[c.id] = true; /* counted in news.total */
      var known = document.getElementById("kiebitz-comment-" + c.id) || self.waiting.some(function (w) { return w.id === c.id; });
      if (!known) self.waiting.push(c);
    });
    this.data.total = news.total;
    this.countNode.textContent = countText(t, news.total);
    var n = this.waiting.length;
    this.newButton.textContent = n === 1 ? t.newComments1 : fill(t.newCommentsN, { n: n.toLocaleString() });
    this.newButton.hidden = !n;
  };

  Thread.prototype.showWaiting = function () {
    var self = this, first = null;
    this.waiting.forEach(function (c) {
      if (document.getElementById("kiebitz-comment-" + c.id)) return;
      var parent = c.parent ? document.getElementById("kiebitz-comment-" + c.parent) : null;
      var depth = 0;
      for (var up = parent; up && up !== self.list; up = up.parentNode) if (up.classList.contains("kb-comment")) depth++;
      var node = self.comment(c, depth);
      if (parent) {
        var replies = parent.querySelector(":scope > .kb-replies");
        if (!replies) { replies = el("ol", { "class": "kb-replies" }); parent.appendChild(replies); }
        replies.appendChild(node);
      } else if (self.sort === "newest") {
        self.list.insertBefore(node, self.list.firstChild);
      } else {
        self.list.appendChild(node);
      }
      first = first || node;
    });
    var none = this.list.querySelector(".kb-none");
    if (none && first) none.remove();
    this.waiting = [];
    this.newButton.hidden = true;
    if (first) { first.setAttribute("tabindex", "-1"); first.focus(); }
  };

  Thread.prototype.addComments = function (comments) {
    var self = this;
    comments.forEach(function (comment) { self.list.appendChild(self.comment(comment, 0)); });
    this.shown += comments.length;
    this.more.hidden = this.shown >= this.data.top_level;
  };

  Thread.prototype.comment = function (c, depth) {
    var t = this.t, self = this;
    var item = el("li", { "class": "kb-comment" + (c.staff ? " kb-staff" : "") + (c.status === "pending" ? " kb-held" : ""),
      id: "kiebitz-comment-" + c.id });
    if (c.deleted) {
      item.appendChild(el("p", { "class": "kb-deleted", text: t.deleted }));
    } else {
      var name = c.website ? el("a", { href: c.website, rel: "nofollow ugc noopener", text: c.author || t.anon })
        : el("span", { text: c.author || t.anon });
      var header = el("header", { "class": "kb-meta" }, [
        identicon(c.avatar), el("strong", { "class": "kb-author" }, [name]),
        c.staff ? el("span", { "class": "kb-badge", text: t.staff }) : null,
        c.pinned ? el("span", { "class": "kb-badge kb-pin", text: t.pinned }) : null,
        el("a", { "class": "kb-date", href: "#kiebitz-comment-" + c.id }, [
          el("time", { datetime: c.created, title: new Date(c.created).toLocaleString(this.lang), text: relative(c.created, this.lang) })]),
        c.modified ? el("span", { "class": "kb-edited", text: "· " + t.edited }) : null,
        c.status === "pending" ? el("span", { "class": "kb-badge kb-wait", text: t.pending }) : null
      ]);
      var body = el("div", { "class": "kb-text" });
      body.innerHTML = c.html; /* sanitised on the server with an allow-list */
      var actions = el("div", { "class": "kb-actions" });
      if (!this.data.closed && depth < 5 && c.status !== "pending") {
        actions.appendChild(el("button", { type: "button", text: t.reply, onclick: function () { self.openReply(item, c); } }));
      }
      if (c.status !== "pending") {
        actions.appendChild(this.voteButton(c, 1, "▲ " + c.likes, t.upvote));
        actions.appendChild(this.voteButton(c, -1, "▼ " + c.dislikes, t.downvote));
      }
      if (c.status !== "pending" && !this.tokens[c.id] && !c.editable) {
        actions.appendChild(el("button", { type: "button", "class": "kb-report-button", text: t.report,
          onclick: function () { self.openReport(item, c); } }));
      }
      if (this.tokens[c.id] || c.editable) {
        actions.appendChild(el("button", { type: "button", text: t.edit, onclick: function () { self.openEdit(item, c, body); } }));
        actions.appendChild(el("button", { type: "button", text: t.del, onclick: function () { self.remove(c); } }));
      }
      item.appendChild(header); item.appendChild(body); item.appendChild(actions);
    }
    if (c.replies && c.replies.length) {
      item.appendChild(el("ol", { "class": "kb-replies" }, c.replies.map(function (reply) { return self.comment(reply, depth + 1); })));
    }
    return item;
  };

  Thread.prototype.voteButton = function (c, value, label, name) {
    var self = this;
    return el("button", { type: "button", "class": "kb-vote", "aria-label": name + " (" + label.slice(2) + ")", text: label,
      onclick: function (event) {
        var button = event.currentTarget;
        api("POST", "/api/comments/" + c.id + "/vote", { value: value }).then(function (result) {
          if (result.ok) { c.likes = result.data.likes; c.dislikes = result.data.dislikes;
            button.textContent = (value > 0 ? "▲ " + c.likes : "▼ " + c.dislikes); }
          else self.flash(button, result.status === 409 ? self.t.voted : result.data.error.message);
        });
      } });
  };

  Thread.prototype.flash = function (near, message) {
    var note = el("span", { "class": "kb-note", role: "status", text: message });
    near.parentNode.appendChild(note);
    setTimeout(function () { note.remove(); }, 4000);
  };

  Thread.prototype.field = function (name, label, type, required, extra) {
    var id = "kb-" + name + "-" + Math.random().toString(36).slice(2, 8);
    var input = type === "textarea" ? el("textarea", { id: id, name: name, rows: 6, required: required, "aria-describedby": id + "-e" })
      : el("input", { id: id, name: name, type: type, required: required, "aria-describedby": id + "-e",
        autocomplete: { author: "name", email: "email", website: "url" }[name] });
    return el("p", { "class": "kb-field kb-field-" + name }, [
      el("label", { "for": id }, [label, required ? el("span", { "class": "kb-req", "aria-hidden": "true", text: " *" }) : null]),
      input, extra || null, el("span", { "class": "kb-error", id: id + "-e", "aria-live": "polite" })]);
  };

  Thread.prototype.form = function (parent) {
    var t = this.t, self = this, saved = null;
    try { saved = JSON.parse(localStorage.getItem(STORE) || "null"); } catch (e) { saved = null; }
    var form = el("form", { "class": "kb-form", novalidate: true }, [
      el(parent ? "h3" : "h2", { "class": "kb-title", text: parent ? fill(t.replyTo, { name: parent.author || t.anon }) : t.heading }),
      el("p", { "class": "kb-hint" }, [t.emailNote + " " + t.required]),
      this.field("text", t.comment, "textarea", true),
      this.field("author", t.name, "text", this.data.require_name !== false),
      this.field("email", t.email, "email", this.data.require_email !== false),
      this.field("website", t.website, "url", false),
      el("p", { "class": "kb-trap", "aria-hidden": "true" }, [el("label", {}, ["Homepage",
        el("input", { name: "homepage", type: "text", tabindex: "-1", autocomplete: "off" })])]),
      el("p", { "class": "kb-remember" }, [el("label", {}, [el("input", { type: "checkbox", name: "remember", checked: !!saved }), " " + t.remember])]),
      this.data.notifications ? el("p", { "class": "kb-remember" }, [el("label", {}, [el("input", { type: "checkbox", name: "notify" }), " " + t.notify])]) : null,
      el("div", { "class": "kb-preview", hidden: true }),
      el("p", { "class": "kb-buttons" }, [
        el("button", { type: "submit", "class": "kb-submit", text: t.submit }),
        el("button", { type: "button", "class": "kb-preview-button", text: t.preview, onclick: function (e) { self.preview(form, e.currentTarget); } }),
        parent ? el("button", { type: "button", text: t.cancel, onclick: function () { form.remove(); } }) : null]),
      el("p", { "class": "kb-status", role: "status", "aria-live": "polite" }),
      parent ? null : el("p", { "class": "kb-privacy" }, [this.privacyNotice()])
    ]);
    if (saved) ["author", "email", "website"].forEach(function (name) { form.elements[name].value = saved[name] || ""; });
    form.addEventListener("submit", function (event) { event.preventDefault(); self.submit(form, parent); });
    return form;
  };

  Thread.prototype.privacyNotice = function () {
    var t = this.t, notice = this.root.getAttribute("data-kiebitz-privacy") || this.data.privacy_notice || t.privacy;
    var href = this.root.getAttribute("data-kiebitz-privacy-url") || this.data.privacy_url || base + "/privacy?lang=" + this.lang;
    var split = notice.indexOf(t.privacyLink);
    if (split < 0) return el("a", { href: href, text: notice });
    return el("span", {}, [notice.slice(0, split), el("a", { href: href, text: t.privacyLink })]);
  };

  Thread.prototype.values = function (form) {
    var get = function (name) { return form.elements[name] ? form.elements[name].value : ""; };
    return { text: get("text"), author: get("author"), email: get("email"), website: get("website"), homepage: get("homepage"),
      notify: !!(form.elements.notify && form.elements.notify.checked) };
  };

  Thread.prototype.showError = function (form, error) {
    var t = this.t, message = error.message || "", key = error.field === "origin" ? "origin" : error.field + ":" +
      (/required|missing|must be true/.test(message) ? "required" : /short/.test(message) ? "short" : /long/.test(message) ? "long" :
        /spam/.test(message) ? "spam" : /already/.test(message) ? "again" : /http/.test(message) ? "http" : /valid/.test(message) ? "valid" : "");
    var text = t[key] || message;
    var slot = form.querySelector(".kb-field-" + error.field + " .kb-error");
    if (slot) {
      slot.textContent = text;
      form.querySelector(".kb-field-" + error.field).classList.add("kb-invalid");
      form.elements[error.field].setAttribute("aria-invalid", "true");
      form.elements[error.field].focus();
    } else {
      form.querySelector(".kb-status").textContent = fill(t.failed, { msg: text });
    }
  };

  Thread.prototype.clearErrors = function (form) {
    Array.prototype.forEach.call(form.querySelectorAll(".kb-error, .kb-status"), function (slot) { slot.textContent = ""; });
    Array.prototype.forEach.call(form.querySelectorAll(".kb-invalid"), function (p) { p.classList.remove("kb-invalid"); });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (input) { input.removeAttribute("aria-invalid"); });
  };

  Thread.prototype.submit = function (form, parent, retried) {
    var self = this, t = this.t, body = this.values(form), button = form.querySelector(".kb-submit");
    body.parent = parent ? parent.id : null;
    body.title = this.title;
    body.form_token = this.formToken;
    this.clearErrors(form);
    button.disabled = true;
    api("POST", "/api/comments?uri=" + encodeURIComponent(this.uri), body).then(function (result) {
      button.disabled = false;
      var error = result.data.error;
      if (error && error.field === "form_token" && /fresh/.test(error.message) && !retried) {
        form.querySelector(".kb-status").textContent = t.wait;
        return setTimeout(function () { self.submit(form, parent, true); }, 3000);
      }
      if (!result.ok) return self.showError(form, error || { field: null, message: String(result.status) });
      var comment = result.data;
      self.tokens[comment.id] = comment.edit_token;
      self.waiting = self.waiting.filter(function (w) { return w.id !== comment.id; }); /* the stream may have been faster */
      self.arrived({ comments: [], total: self.data.total });
      if (form.elements.remember.checked) {
        localStorage.setItem(STORE, JSON.stringify({ author: body.author, email: body.email, website: body.website }));
      } else {
        localStorage.removeItem(STORE);
      }
      var node = self.comment(comment, parent ? 1 : 0);
      if (parent) {
        var holder = document.getElementById("kiebitz-comment-" + parent.id), replies = holder.querySelector(":scope > .kb-replies");
        if (!replies) { replies = el("ol", { "class": "kb-replies" }); holder.appendChild(replies); }
        replies.appendChild(node);
        form.remove();
      } else {
        var none = self.list.querySelector(".kb-none");
        if (none) none.remove();
        self.list.appendChild(node);
        form.elements.text.value = "";
        form.querySelector(".kb-preview").hidden = true;
      }
      if (result.status === 202) {
        node.insertBefore(el("p", { "class": "kb-held-note", role: "status", text: t.held }), node.firstChild);
      } else if (!self.streamed[comment.id]) {
        self.data.total += 1;
        self.countNode.textContent = countText(t, self.data.total);
      }
      node.scrollIntoView({ block: "nearest" });
    });
  };

  Thread.prototype.preview = function (form, button) {
    var box = form.querySelector(".kb-preview"), t = this.t, self = this;
    if (!box.hidden) { box.hidden = true; button.textContent = t.preview; return; }
    api("POST", "/api/preview", { text: form.elements.text.value }).then(function (result) {
      if (!result.ok) return self.showError(form, result.data.error);
      box.innerHTML = result.data.html; /* sanitised on the server */
      box.hidden = false;
      button.textContent = t.editPreview;
    });
  };

  Thread.prototype.openReply = function (item, c) {
    var open = item.querySelector(":scope > .kb-form");
    if (open) { open.remove(); return; }
    var form = this.form(c);
    item.insertBefore(form, item.querySelector(":scope > .kb-replies"));
    form.elements.text.focus();
  };

  Thread.prototype.openEdit = function (item, c, body) {
    var self = this, t = this.t;
    var area = el("textarea", { "class": "kb-edit", rows: 5, "aria-label": t.edit });
    area.value = body.textContent;
    var box = el("div", { "class": "kb-editing" }, [area, el("p", { "class": "kb-buttons" }, [
      el("button", { type: "button", text: t.save, onclick: function () {
        api("PATCH", "/api/comments/" + c.id, { text: area.value }, self.tokenHeader(c.id)).then(function (result) {
          if (!result.ok) return self.flash(area, result.data.error.message);
          body.innerHTML = result.data.html; box.remove(); body.hidden = false;
          if (result.data.status === "pending") { /* the new text was judged again and is held */
            body.parentNode.insertBefore(el("p", { "class": "kb-held-note", role: "status", text: t.held }), body);
          }
        });
      } }),
      el("button", { type: "button", text: t.cancel, onclick: function () { box.remove(); body.hidden = false; } })])]);
    body.hidden = true;
    body.parentNode.insertBefore(box, body.nextSibling);
    area.focus();
  };

  /* Tokens of comments posted in this page view; after a reload the HttpOnly cookie carries them. */
  Thread.prototype.tokenHeader = function (id) {
    return this.tokens[id] ? { "X-Kiebitz-Edit-Token": this.tokens[id] } : {};
  };

  /* A reader's notice (DSA Art. 16): for illegal content also the kind, why, name, e-mail and good faith. */
  Thread.prototype.openReport = function (item, c) {
    var t = this.t, self = this, open = item.querySelector(":scope > .kb-report");
    if (open) { open.remove(); return; }
    var where = location.href.split("#")[0] + "#kiebitz-comment-" + c.id;
    var reasons = el("fieldset", { "class": "kb-reasons" }, [el("legend", { text: t.reportWhy })].concat(
      ["spam", "insult", "illegal", "other"].map(function (key) {
        return el("label", {}, [el("input", { type: "radio", name: "reason", value: key, required: true,
          onchange: function () { illegal.hidden = key !== "illegal"; } }), " " + t["reason_" + key]]);
      })));
    var category = el("select", { name: "category" }, ["hate_speech", "defamation", "threat", "child_sexual_abuse", "terrorism",
      "privacy", "copyright", "other_illegal"].map(function (key) { return el("option", { value: key, text: t["cat_" + key] }); }));
    var illegal = el("div", { "class": "kb-illegal", hidden: true }, [
      el("p", { "class": "kb-field kb-field-category" }, [el("label", {}, [t.category, " ", category]),
        el("span", { "class": "kb-error", "aria-live": "polite" })]),
      this.field("name", t.name, "text", false),
      el("p", { "class": "kb-hint" }, [t.location + ": " + where]),
      el("p", { "class": "kb-field kb-field-good_faith" }, [el("label", {}, [el("input", { type: "checkbox", name: "good_faith" }),
        " " + t.goodFaith]), el("span", { "class": "kb-error", "aria-live": "polite" })])]);
    var form = el("form", { "class": "kb-form kb-report", novalidate: true }, [
      el("h3", { "class": "kb-title", text: t.reportTitle }), reasons,
      this.field("explanation", t.reportExplain, "textarea", false), illegal,
      this.field("email", t.reportEmail, "email", false),
      el("p", { "class": "kb-buttons" }, [el("button", { type: "submit", "class": "kb-submit", text: t.reportSend }),
        el("button", { type: "button", text: t.cancel, onclick: function () { form.remove(); } })]),
      el("p", { "class": "kb-status", role: "status", "aria-live": "polite" })]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var get = function (name) { return form.elements[name] ? form.elements[name].value : ""; };
      var checked = form.querySelector("input[name=reason]:checked");
      self.clearErrors(form);
      if (!checked) { form.querySelector(".kb-status").textContent = t.reportWhy; return; }
      api("POST", "/api/comments/" + c.id + "/reports", { reason: checked.value, explanation: get("explanation"),
        category: checked.value === "illegal" ? category.value : null, name: get("name"), email: get("email"),
        good_faith: !!form.elements.good_faith.checked }).then(function (result) {
        if (result.status === 409) { form.querySelector(".kb-status").textContent = t.alreadyReported; return; }
        if (!result.ok) return self.showError(form, result.data.error || { field: null, message: String(result.status) });
        form.replaceWith(el("p", { "class": "kb-held-note", role: "status", text: result.data.held ? t.reportedHeld : t.reported }));
      });
    });
    item.insertBefore(form, item.querySelector(":scope > .kb-replies"));
    form.querySelector("input[name=reason]").focus();
  };

  Thread.prototype.remove = function (c) {
    var self = this;
    if (!confirm(this.t.confirmDelete)) return;
    api("DELETE", "/api/comments/" + c.id, null, this.tokenHeader(c.id)).then(function (result) {
      if (!result.ok) return;
      var node = document.getElementById("kiebitz-comment-" + c.id);
      if (c.status !== "pending") { self.data.total -= 1; self.countNode.textContent = countText(self.t, self.data.total); }
      node.remove();
    });
  };

  function counters() {
    var links = document.querySelectorAll("[data-kiebitz-count]");
    if (!links.length) return;
    var uris = Array.prototype.map.call(links, function (link) {
      return link.getAttribute("data-kiebitz-count-uri") || new URL(link.getAttribute("href"), location.href).pathname;
    });
    var unique = uris.filter(function (uri, i) { return uris.indexOf(uri) === i; });
    for (var start = 0; start < unique.length; start += 500) counts(links, uris, unique.slice(start, start + 500));
  }

  function counts(links, uris, asked) { /* the API answers at most 500 pages per request */
    var query = asked.map(function (uri) { return "uri=" + encodeURIComponent(uri); }).join("&");
    /* a GET can be cached by the browser, nginx or a CDN; a long list goes in a POST body instead */
    var asking = query.length <= 2000 ? api("GET", "/api/counts?" + query) : api("POST", "/api/counts", asked);
    asking.then(function (result) {
      if (!result.ok) return;
      Array.prototype.forEach.call(links, function (link, i) {
        if (asked.indexOf(uris[i]) >= 0) link.textContent = countText(T[language(link)], result.data[uris[i]] || 0);
      });
    });
  }

  function stylesheet() {
    if (document.querySelector("link[data-kiebitz]")) return;
    document.head.appendChild(el("link", { rel: "stylesheet", href: base + "/js/embed.css", "data-kiebitz": true }));
  }

  function start() {
    var root = document.getElementById("kiebitz-thread");
    counters();
    if (!root) return;
    stylesheet();
    var thread = new Thread(root);
    if (!("IntersectionObserver" in window)) return thread.load(false);
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) { observer.disconnect(); thread.load(false); }
    }, { rootMargin: "400px" });
    observer.observe(root);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
