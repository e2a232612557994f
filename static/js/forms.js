// After a failed submit, move focus to the error summary (autofocus is not honoured on a
// non-control by every browser). The page works the same without this file.
(function () {
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) summary.focus();
})();
