// Show or hide conditional questions while a region answers, by evaluating the same
// tree the server evaluates (raak/programmes/expressions.py), read from each
// field's data-show-if attribute as JSON. Never eval. Also warns before leaving a
// form with unsaved input.
(function () {
  "use strict";
  var form = document.querySelector("form[data-show-if-form]");
  if (!form) return;

  function text(v) {
    if (v === null || v === undefined) return "";
    if (Array.isArray(v)) return v.join(" ");
    return String(v);
  }
  function number(v) {
    var t = text(v).trim().replace(",", ".");
    if (t === "" || !/^-?\d+(\.\d+)?$/.test(t)) return null;
    return parseFloat(t);
  }
  function operand(o, values) {
    if (o[0] === "q") return values[o[1]];
    if (o[0] === "len") return text(operand(o[1], values)).length;
    if (o[0] === "self") return "";
    return o[1];
  }
  function compare(op, a, b, numeric) {
    if (numeric) {
      a = number(a); b = number(b);
      if (a === null || b === null) return op === "!=";
    } else { a = text(a); b = text(b); }
    switch (op) {
      case "=": return a === b;
      case "!=": return a !== b;
      case "<": return a < b;
      case "<=": return a <= b;
      case ">": return a > b;
      case ">=": return a >= b;
    }
    return false;
  }
  function evaluate(t, values) {
    var i;
    switch (t[0]) {
      case "or":
        for (i = 1; i < t.length; i++) if (evaluate(t[i], values)) return true;
        return false;
      case "and":
        for (i = 1; i < t.length; i++) if (!evaluate(t[i], values)) return false;
        return true;
      case "not": return !evaluate(t[1], values);
      case "selected":
        var v = values[t[1]];
        return Array.isArray(v) ? v.indexOf(t[2]) >= 0 : text(v) === t[2];
      case "cmp":
        var l = t[2], r = t[3];
        var numeric = ["=", "!="].indexOf(t[1]) < 0 || l[0] === "n" || r[0] === "n" ||
          l[0] === "len" || r[0] === "len";
        return compare(t[1], operand(l, values), operand(r, values), numeric);
    }
    return true;
  }
  window.raakShowIf = { evaluate: evaluate };

  var fields = Array.prototype.slice.call(form.querySelectorAll("[data-question]"));
  function valueOf(field) {
    var inputs = field.querySelectorAll("input, textarea, select");
    if (!inputs.length) return "";
    if (inputs[0].type === "checkbox") {
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; })
        .map(function (i) { return i.value; });
    }
    if (inputs[0].type === "radio") {
      var c = Array.prototype.filter.call(inputs, function (i) { return i.checked; });
      return c.length ? c[0].value : "";
    }
    return inputs[0].value;
  }
  function update() {
    // In form order, so a question hidden by an earlier one counts as unanswered, as on
    // the server.
    var values = {};
    fields.forEach(function (field) {
      var rule = field.getAttribute("data-show-if"), visible = true;
      if (rule) {
        try { visible = evaluate(JSON.parse(rule), values); } catch (e) { visible = true; }
      }
      field.hidden = !visible;
      values[field.getAttribute("data-question")] = visible ? valueOf(field) : "";
    });
  }
  var dirty = false;
  form.addEventListener("input", function () { dirty = form.hasAttribute("data-warn-unsaved"); update(); });
  form.addEventListener("change", update);
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ""; }
  });
  update();
})();
