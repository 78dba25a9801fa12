// The outbound call's countdown: one tick per second; at zero the renew form is sent, which
// issues (and audits) the next code. No other script runs on the desk.
(function () {
  "use strict";
  var remaining = document.getElementById("remaining");
  var bar = document.getElementById("bar");
  var form = document.getElementById("renew-form");
  if (!remaining || !form) { return; }
  var left = parseInt(remaining.getAttribute("data-remaining"), 10);
  var timer = window.setInterval(function () {
    left -= 1;
    if (left <= 0) {
      window.clearInterval(timer);
      remaining.textContent = "0";
      form.submit();
      return;
    }
    remaining.textContent = String(left);
    if (bar) { bar.value = left; }
  }, 1000);
}());
