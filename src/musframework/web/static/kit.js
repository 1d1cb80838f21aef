/* musframework's SurveyJS kit: no bundler, no CDN, no external font.
 *
 * Uses the UMD globals of the vendored packages: `Survey` (survey-core) and
 * `SurveyUI.renderSurvey` (survey-js-ui). Every `.mus-survey` element becomes the
 * preparation form named by its data-form URL; `#mus-plan-config` makes the plan page's
 * sign button and comment form work. The survey completes only after the server accepted the
 * answers (onCompleting with options.allow = false); the server's findings appear on their
 * questions and the survey stays open. Until the answers are submitted, they are saved as a
 * draft (data-draft URL) a moment after each change and at each page change; the form comes
 * back prefilled from the submitted response, else from the draft.
 */
(function () {
  "use strict";

  function fill(text, params) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return k in params ? String(params[k]) : m; });
  }

  function call(url, method, body, etag) {
    var headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (etag) headers["If-Match"] = etag;
    return fetch(url, {
      method: method,
      headers: headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (r) {
      return r.json().then(function (b) { return { ok: r.ok, status: r.status, body: b, etag: r.headers.get("ETag") }; });
    });
  }

  function element(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text) el.textContent = text;
    return el;
  }

  function problemText(body) {
    return (body && (body.detail || body.title)) || "";
  }

  function startSurvey(root, form) {
    var texts = form.texts;
    var minutes = {};
    form.sections.forEach(function (s) { minutes[s.id] = s.minutes; });
    // The export writes Danish as SurveyJS's "default" string: make Danish the default.
    Survey.surveyLocalization.defaultLocale = "da";
    var survey = new Survey.Model(form.survey);
    root.musSurvey = survey; // for the app's own code (and tests)
    survey.locale = form.locale === "en" ? "en" : "";
    survey.showProgressBar = "off";
    survey.showTitle = false; // the page has the title already
    survey.data = form.data || {};

    var progress = element("p", { class: "mus-progress", "aria-live": "polite" });
    var status = element("p", { class: "mus-status", role: "status", "aria-live": "polite" });
    var general = element("div", { class: "mus-problems", role: "alert" });
    var holder = element("div", { class: "mus-survey-body" });
    root.appendChild(progress);
    root.appendChild(general);
    root.appendChild(holder);
    root.appendChild(status);
    if (form.submitted) status.textContent = texts["submitted-before"];

    // The draft: saved while the person types (debounced) and when they change page.
    var draftUrl = root.dataset.draft;
    var drafting = Boolean(draftUrl) && !form.submitted;
    var draftEtag = form.draft ? '"' + form.draft.revision + '"' : null;
    var draftStatus = element("p", { class: "mus-draft-status", "aria-live": "polite" });
    root.appendChild(draftStatus);
    if (drafting && form.draft) draftStatus.textContent = texts["draft-restored"];
    var timer = null;
    var saving = false;
    var again = false;
    var changed = false;

    function saveDraft(retried) {
      if (timer) { clearTimeout(timer); timer = null; }
      if (!drafting || !changed) return;
      if (saving) { again = true; return; }
      saving = true;
      changed = false;
      draftStatus.textContent = texts["draft-saving"];
      call(draftUrl, "PUT", survey.data, draftEtag).then(function (answer) {
        saving = false;
        if (answer.ok) {
          draftEtag = answer.etag;
          if (drafting) draftStatus.textContent = texts["draft-saved"];
        } else if (answer.status === 412 && !retried) {
          draftEtag = answer.etag; // saved from elsewhere (another tab): this page's answers win
          changed = true;
          saveDraft(true);
          return;
        } else if (drafting) {
          var why = (answer.body.findings || []).map(function (f) { return f.message; });
          if (!why.length) why.push(problemText(answer.body));
          draftStatus.textContent = texts["draft-refused"] + " " + why.join(" ");
        }
        if (again) { again = false; saveDraft(); }
      }, function () {
        saving = false;
        changed = true;
        draftStatus.textContent = texts.network;
      });
    }
    root.musSaveDraft = function () { changed = true; saveDraft(); }; // for the app's own code

    survey.onValueChanged.add(function () {
      if (!drafting) return;
      changed = true;
      if (timer) clearTimeout(timer);
      timer = setTimeout(saveDraft, 800);
    });
    survey.onCurrentPageChanged.add(function () { saveDraft(); });

    function showPage() {
      var pages = survey.visiblePages;
      var page = survey.currentPage;
      if (!page) return;
      var at = pages.indexOf(page) + 1;
      var text = fill(texts["page-of"], { x: at, n: pages.length });
      if (page.name in minutes) text += " · " + fill(texts.minutes, { n: minutes[page.name] });
      progress.textContent = text;
    }
    survey.onCurrentPageChanged.add(showPage);

    var accepted = false;
    survey.onCompleting.add(function (sender, options) {
      if (accepted) return; // the server said yes: let SurveyJS complete
      options.allow = false;
      if (timer) { clearTimeout(timer); timer = null; }
      general.textContent = "";
      status.textContent = texts.sending;
      call(root.dataset.response, "PUT", sender.data).then(function (answer) {
        if (answer.ok) {
          accepted = true;
          drafting = false; // the submitted answers replace the draft (the server deleted it)
          draftStatus.textContent = "";
          status.textContent = texts.accepted;
          sender.doComplete();
          showShare(root, texts, answer.body && answer.body.shared);
          return;
        }
        status.textContent = texts.refused;
        var first = null;
        var loose = [];
        (answer.body.findings || []).forEach(function (f) {
          var parts = (f.path || "").split(".");
          var q = parts[0] === "answers" ? sender.getQuestionByName(parts[1]) : null;
          if (q) {
            q.addError(f.message);
            if (!first) first = q;
          } else {
            loose.push(f.message);
          }
        });
        if (!answer.body.findings || !answer.body.findings.length) loose.push(problemText(answer.body));
        if (loose.length) general.textContent = loose.join(" ");
        if (first) {
          if (first.page && sender.currentPage !== first.page) sender.currentPage = first.page;
          // re-add the errors after the page change re-renders the question
          (answer.body.findings || []).forEach(function (f) {
            var parts = (f.path || "").split(".");
            if (parts[1] === first.name && first.errors.length === 0) first.addError(f.message);
          });
          first.focus();
        }
      }, function () {
        status.textContent = texts.network;
      });
    });

    SurveyUI.renderSurvey(survey, holder);
    showPage();
    if (form.submitted) showShare(root, texts, form.shared);
  }

  function showShare(root, texts, shared) {
    var box = root.querySelector(".mus-share");
    if (!box) {
      box = element("section", { class: "mus-share", "aria-labelledby": "mus-share-title" });
      box.appendChild(element("h2", { id: "mus-share-title" }, texts["share-title"]));
      box.appendChild(element("p", {}, texts["share-explain"]));
      var button = element("button", { type: "button", class: "mus-share-button" }, texts["share-button"]);
      var said = element("p", { class: "mus-share-status", role: "status", "aria-live": "polite" });
      box.appendChild(button);
      box.appendChild(said);
      button.addEventListener("click", function () {
        button.disabled = true;
        call(root.dataset.share, "POST", { shared: true }).then(function (answer) {
          if (answer.ok) {
            said.textContent = texts.shared;
            button.hidden = true;
          } else {
            said.textContent = texts["share-refused"] + " " + problemText(answer.body);
            button.disabled = false;
          }
        }, function () { said.textContent = texts.network; button.disabled = false; });
      });
      root.appendChild(box);
    }
    if (shared) {
      box.querySelector(".mus-share-status").textContent = texts.shared;
      box.querySelector(".mus-share-button").hidden = true;
    }
  }

  function initSurvey(root) {
    call(root.dataset.form, "GET").then(function (answer) {
      if (!answer.ok) {
        root.appendChild(element("p", { class: "mus-problems", role: "alert" }, problemText(answer.body)));
        return;
      }
      startSurvey(root, answer.body);
    });
  }

  function initPlan(config) {
    var status = document.getElementById("mus-plan-status");
    var etag = '"' + config.revision + '"';
    var sign = document.getElementById("mus-sign");
    if (sign) {
      sign.addEventListener("click", function () {
        sign.disabled = true;
        status.textContent = config.texts.sending;
        call(config.sign, "POST", undefined, etag).then(function (answer) {
          if (answer.ok) {
            etag = answer.etag;
            status.textContent = config.texts["signed-now"];
            sign.hidden = true;
            reloadDocument();
          } else {
            status.textContent = config.texts["sign-refused"] + " " + problemText(answer.body);
            sign.disabled = false;
          }
        });
      });
    }
    var form = document.getElementById("mus-comment-form");
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var text = document.getElementById("mus-comment-text");
        call(config.comment, "POST", { text: text.value }).then(function (answer) {
          if (answer.ok) {
            etag = answer.etag;
            text.value = "";
            status.textContent = config.texts.commented;
            reloadDocument();
          } else {
            status.textContent = problemText(answer.body);
          }
        });
      });
    }
  }

  function reloadDocument() {
    var frame = document.querySelector("iframe.mus-document");
    if (frame) frame.src = frame.src;
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".mus-survey"), initSurvey);
    var plan = document.getElementById("mus-plan-config");
    if (plan) initPlan(JSON.parse(plan.textContent));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
