/* formkit: progressive enhancement only; every page works without this file.
   Shows and hides questions whose show_if depends on an answer on the same page. */
(function () {
  "use strict";
  var form = document.getElementById("response-form");
  if (!form) { return; }

  function valuesOf(fieldId) {
    var values = [];
    var elements = form.querySelectorAll('[name="q_' + fieldId + '"]');
    elements.forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      if (el.tagName === "SELECT") {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { if (o.value) { values.push(o.value); } });
        return;
      }
      if (el.value.trim() !== "") { values.push(el.value.trim()); }
    });
    return values;
  }

  function same(answer, expected) {
    if (typeof expected === "boolean") {
      return (answer === "yes") === expected && (answer === "yes" || answer === "no");
    }
    return String(answer) === String(expected);
  }

  function test(cond) {
    if (cond.all) { return cond.all.every(test); }
    if (cond.any) { return cond.any.some(test); }
    var values = valuesOf(cond.field);
    if ("answered" in cond) { return (values.length > 0) === Boolean(cond.answered); }
    if ("equals" in cond) { return values.some(function (v) { return same(v, cond.equals); }); }
    if ("not_equals" in cond) { return !values.some(function (v) { return same(v, cond.not_equals); }); }
    if ("one_of" in cond) {
      return values.some(function (v) { return cond.one_of.some(function (w) { return same(v, w); }); });
    }
    return true;
  }

  var conditional = form.querySelectorAll("[data-show-if]");
  function update() {
    conditional.forEach(function (el) {
      var cond;
      try { cond = JSON.parse(el.getAttribute("data-show-if")); } catch (e) { return; }
      el.hidden = !test(cond);
    });
  }
  if (conditional.length) {
    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
  }

  // Character counts: the hint "up to N characters" becomes a live count; the text is
  // never cut (the server says by how much it is over).
  form.querySelectorAll(".char-count[data-for]").forEach(function (hint) {
    var input = document.getElementById(hint.getAttribute("data-for"));
    if (!input) { return; }
    var limit = parseInt(hint.getAttribute("data-limit"), 10), timer = null;
    var status = document.createElement("p");
    status.className = "hint char-count__status";
    status.setAttribute("role", "status");
    hint.after(status);
    function show() {
      var left = limit - input.value.length;
      var words = hint.getAttribute(left < 0 ? "data-over" : "data-left");
      status.textContent = words.replace("{n}", Math.abs(left).toLocaleString(document.documentElement.lang));
      status.classList.toggle("error-message", left < 0);
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(show, 400); });
  });

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    // A summary link focuses its input (the row's first radio, the table cell) and
    // keeps its label in view.
    summary.addEventListener("click", function (event) {
      var link = event.target.closest('a[href^="#"]');
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      target.focus({ preventScroll: true });
      (target.closest(".field") || target).scrollIntoView();
    });
  } else if (location.hash.length > 1) {
    // Back from "Add a row" / "Remove row": focus the input the address names.
    var named = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (named && form.contains(named) && named.matches("input, select, textarea")) {
      named.focus();
    }
  }

  // Say what the last action changed: a live region filled after load is read out,
  // text already there at load is not.
  var change = document.querySelector(".notice--announce");
  if (change) {
    var region = document.createElement("div");
    region.className = "visually-hidden";
    region.setAttribute("role", "status");
    document.body.appendChild(region);
    setTimeout(function () { region.textContent = change.textContent; }, 300);
  }
})();


/* Coordinators: two minutes before the idle timeout, a warning whose button keeps the
   session (a POST with the page's CSRF token). */
(function () {
  "use strict";
  var warning = document.getElementById("idle-warning");
  var token = document.querySelector('input[name="csrf_token"]');
  if (!warning || !token) { return; }
  var idle = parseInt(warning.getAttribute("data-idle-seconds"), 10);
  var ahead = parseInt(warning.getAttribute("data-warn-seconds"), 10);
  var timer = null, before = null;
  function arm() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      before = document.activeElement;
      warning.hidden = false;
      warning.querySelector("[data-stay]").focus();
    }, Math.max(idle - ahead, 0) * 1000);
  }
  warning.querySelector("[data-stay]").addEventListener("click", function () {
    var body = new FormData();
    body.append("csrf_token", token.value);
    fetch(warning.getAttribute("data-keep-alive"), { method: "POST", body: body,
                                                     credentials: "same-origin" })
      .then(function (answer) {
        if (!answer.ok) { return; }
        warning.hidden = true;
        if (before && before.focus) { before.focus(); }
        arm();
      });
  });
  arm();
})();
